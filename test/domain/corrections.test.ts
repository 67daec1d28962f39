/** Which figures a report notes as corrected, and how the note reads (DOMAIN.md "Review before release"). */
import t from 'tap';
import { type AnnotatedVersion, correctionNoteText, correctionSincePublished } from '../../src/domain/corrections.ts';

const v = (version: number, publishedAt: number | null, reason: AnnotatedVersion['reason'] = null, note: string | null = null, withdrawn = false): AnnotatedVersion => ({
  version,
  publishedAt,
  reason,
  note,
  withdrawn,
});

t.test('a correction counts once the figure had been public before it', async (t) => {
  t.same(correctionSincePublished([v(1, 10), v(2, 20, 'correction', '录入错误')]), { version: 2, note: '录入错误' }, 'published, then corrected');
  t.same(correctionSincePublished([v(1, 10), v(2, 20, 'correction', 'a'), v(3, 30, 'revision', 'b')]), { version: 2, note: 'a' }, 'a later routine revision keeps the correction noted');
  t.same(correctionSincePublished([v(1, 10), v(2, 20, 'correction', 'a'), v(3, 30, 'correction', null)]), { version: 3, note: null }, 'the latest correction speaks');
  t.same(correctionSincePublished([v(1, 10), v(2, null, 'correction', 'waiting')]), { version: 2, note: 'waiting' }, 'a privileged reader sees a correction not public yet, as it sees its figure');
  t.same(correctionSincePublished([v(1, 10), v(2, 20, null, null, true), v(3, 30, null)]), undefined, 'withdrawn and posted again without a reason: none');
  t.same(correctionSincePublished([v(1, 10), v(2, 20, 'correction', 'wrong region', true), v(3, 30)]), { version: 2, note: 'wrong region' }, 'a withdrawal that corrected counts');
});

t.test('nothing to note', async (t) => {
  t.equal(correctionSincePublished([]), undefined, 'no versions');
  t.equal(correctionSincePublished([v(1, 10, 'correction', 'first')]), undefined, 'a first version is no correction, whatever it says');
  t.equal(correctionSincePublished([v(1, null), v(2, 20, 'correction', 'before release')]), undefined, 'corrected before the figure was ever public: nothing wrong was published');
  t.equal(correctionSincePublished([v(1, null), v(2, null, 'correction')]), undefined, 'never public');
  t.equal(correctionSincePublished([v(1, 10), v(2, 20, 'revision', 'new data'), v(3, 30, 'reclassification')]), undefined, 'revised and reclassified only');
  t.equal(correctionSincePublished([v(1, 10), v(2, 20, 'correction', 'x', true)]), undefined, 'withdrawn now: no figure to note');
});

t.test('the note under the indicator', async (t) => {
  t.equal(correctionNoteText([]), null);
  t.equal(correctionNoteText([{ period: '2022-05', label: '1-5月', note: '漏报一个项目' }]), '注:1-5月数据已更正(原因:漏报一个项目)');
  t.equal(correctionNoteText([{ period: '2022-06', label: '1-6月', note: null }]), '注:1-6月数据已更正');
  t.equal(
    correctionNoteText([
      { period: '2022-05', label: '1-5月', note: '口径调整' },
      { period: '2021-06', label: '上年1-6月', note: '录入错误' },
      { period: '2021-05', label: '上年1-5月', note: '口径调整' },
    ]),
    '注:1-5月、上年1-5月数据已更正(原因:口径调整);上年1-6月数据已更正(原因:录入错误)',
    'months with the same note named together',
  );
});
