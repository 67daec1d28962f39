/**
 * Turns on the event loop for long computations (a ranking of thousands of
 * peers takes tens of milliseconds): each request's long step waits for the
 * previous one, of any request, to have ended and for the loop to have
 * polled for I/O since, so four rankings asked at once hold /healthz up for
 * one ranking's time, not four. An awaited store read that answers at once
 * yields to promises only, never to I/O: hence the two immediates (one
 * scheduled from the poll phase runs before the next poll; the second runs
 * after it).
 */
let last: Promise<void> = Promise.resolve();

const afterPoll = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

/** Wait for this request's turn to compute: after every turn taken before, with a poll for I/O in between. */
export function nextTurn(): Promise<void> {
  const turn = last.then(afterPoll);
  last = turn;
  return turn;
}
