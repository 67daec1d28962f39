import t from 'tap';
import { embargoedAt, firstPublicAt, publicationTimes, releaseInForce, visibleVersion, type Visibility } from '../../src/domain/publication.ts';
import { PUBLICATION_CASES } from '../fixtures/publication.ts';

const at = (audience: Visibility['audience'], instant: number, vintage: Visibility['vintage'] = 'latest'): Visibility => ({ audience, at: instant, pinned: true, vintage });

for (const c of PUBLICATION_CASES) {
  t.test(c.name, async (t) => {
    t.same(
      publicationTimes(c.versions, c.changes, c.now, c.review).map((v) => v.publishedAt),
      c.published,
      'publication times',
    );
    for (const [instant, pub, priv, first] of c.seen) {
      t.equal(visibleVersion(c.versions, c.changes, at('public', instant), c.review)?.value ?? null, pub, `public at ${instant}`);
      t.equal(visibleVersion(c.versions, c.changes, at('privileged', instant), c.review)?.value ?? null, priv, `privileged at ${instant}`);
      t.equal(visibleVersion(c.versions, c.changes, at('public', instant, 'first'), c.review)?.value ?? null, first, `first release, public at ${instant}`);
    }
  });
}

t.test('the release in force and the embargo', async (t) => {
  const changes = [
    { changedAt: 0, releaseAt: 50, by: 'a' },
    { changedAt: 30, releaseAt: 80, by: 'a' },
  ];
  t.equal(releaseInForce(changes, -1), null, 'before any setting: none');
  t.equal(releaseInForce(changes, 10), 50);
  t.equal(releaseInForce(changes, 30), 80, 'a setting is in force from the instant it is made');
  t.ok(embargoedAt(changes, 49));
  t.ok(embargoedAt(changes, 50), 'the first release time was moved before it came');
  t.notOk(embargoedAt(changes, 80), 'public at the release instant itself');
  t.notOk(embargoedAt(undefined, 10), 'no calendar entry: public');
  t.equal(firstPublicAt(changes, 10, Infinity), 80);
  t.equal(firstPublicAt(changes, 10, 70), null, 'superseded before release: never public');
  t.equal(firstPublicAt(changes, 90, Infinity), 90, 'received after release: public on receipt');
});
