/**
 * Scope words (DOMAIN.md, Ranking: peers): the whole area a rank is given in
 * (全市 for a city's counties, 全省 for a province's cities, 全国, 全县; a
 * named group's 山区26县中; an unknown level's 台州市内), the labels bureaus
 * write for a region's level (省, 地级市, 县级市 …), and how a peer set is
 * named (台州市所辖9个地区).
 */

type LevelKey = 'country' | 'province' | 'prefecture' | 'county';

/** The Chinese labels a bureau writes for each level (domain/level.ts reads them beside the English ones). */
export const LEVEL_LABELS: Record<LevelKey, readonly string[]> = {
  country: ['国家', '全国', '国'],
  province: ['省', '自治区', '省级'],
  prefecture: ['市', '地级市', '州', '盟', '地区', '地级'],
  county: ['县', '区', '县级市', '旗', '县级'],
};

/** The whole area of a parent at each level: 全国, 全省, 全市, 全县. */
export const SCOPE_WORDS: Record<LevelKey, string> = { country: '全国', province: '全省', prefecture: '全市', county: '全县' };

/** A parent whose level is unknown: 台州市内. */
export function withinName(name: string): string {
  return `${name}内`;
}

/** A named peer group as a scope: 山区26县中 (山区26县中第三). */
export function groupScope(name: string): string {
  return `${name}中`;
}

/** A scope without a group's 中, where it names the area itself: 未参与山区26县排名, 山区26县平均. */
export function bareScope(scope: string): string {
  return scope.replace(/中$/, '');
}

/** 台州市所辖: a parent's children as a peer set; a group by its name. */
export function peerSetName(peers: { parentName: string | null; groupName: string | null }): string {
  return peers.groupName ?? `${peers.parentName ?? ''}所辖`;
}

/** A peer set with how many it holds: 台州市所辖9个地区, 山区26县26个地区. */
export function countedPeers(setName: string, count: number): string {
  return `${setName}${count}个地区`;
}

/** 台州市所辖9个地区. */
export function peerSetText(peers: { parentName: string | null; groupName: string | null }, count: number): string {
  return countedPeers(peerSetName(peers), count);
}
