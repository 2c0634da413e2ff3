import { useEffect, useMemo, useState } from "react";

// Counts down from `secondsLeft` (measured by the server, so a wrong phone clock does not matter)
// and calls onExpire once when it reaches zero.
export function Countdown({ secondsLeft, onExpire, ...rest }) {
  const deadline = useMemo(() => Date.now() + Math.max(0, secondsLeft) * 1000, [secondsLeft]);
  const [left, setLeft] = useState(Math.max(0, secondsLeft));
  useEffect(() => {
    let fired = false;
    const tick = () => {
      const seconds = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
      setLeft(seconds);
      if (seconds === 0 && !fired) {
        fired = true;
        clearInterval(timer);
        if (onExpire) onExpire();
      }
    };
    const timer = setInterval(tick, 1000);
    tick();
    return () => clearInterval(timer);
  }, [deadline]);
  const minutes = Math.floor(left / 60);
  const seconds = String(left % 60).padStart(2, "0");
  return (
    <span role="timer" {...rest}>
      {minutes}:{seconds}
    </span>
  );
}
