/**
 * Targets, time progress, gaps and the average in the seed's register
 * (DOMAIN.md, Targets and time progress; Gaps between ranks and to the
 * average): the words live in src/domain/words/ (progress.ts, gaps.ts) and
 * are re-exported here for the modules that import them from this file.
 */
export { progressSentence } from './words/progress.ts';
export { averageText, gapAboveText } from './words/gaps.ts';
