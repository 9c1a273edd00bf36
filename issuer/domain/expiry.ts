/**
 * When a license created now with a policy duration expires.
 *
 * SEAM: Keygen adds policy durations in calendar units (`ActiveSupport::Duration.build`), which
 * `issuer/domain/duration.ts` (`addKeygenDuration(from, seconds)`, another engineer's work) will
 * provide. Until it lands this adds plain seconds, which is exact for durations below one
 * calendar month (2,629,746 s) and drifts by hours beyond. Replace the body with
 * `return addKeygenDuration(new Date(now), seconds).getTime();` once that module exists.
 */
export function expiryFromDuration(now: number, seconds: number): number {
  return now + seconds * 1000;
}
