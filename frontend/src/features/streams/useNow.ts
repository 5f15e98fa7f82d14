import { useEffect, useState } from 'react';

/** The current time, again every `ms`: relative times ("12 s ago") keep counting. */
export function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
