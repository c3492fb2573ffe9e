// The day range the reader picks, as the API's half-open time window: from the first day's local midnight to
// the midnight after the last day.

export function defaultDays() {
  const today = localDate(new Date());
  return { fromDay: today, toDay: today };
}

export function toWindow(fromDay, toDay) {
  const from = new Date(`${fromDay}T00:00:00`);
  const to = new Date(`${toDay}T00:00:00`);
  to.setDate(to.getDate() + 1);
  return { from: from.toISOString(), to: to.toISOString() };
}

/** A date as yyyy-mm-dd in the reader's zone (what <input type=date> holds). */
export function localDate(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
