import { useEffect } from "react";

// Wraps the whole app (an app wrap, so its effect runs once the page below it has hydrated): lets the
// head script of held_submits.py stop holding forms, and sends the one form a visitor submitted before
// the app was ready.
export function HeldSubmits({ children }) {
  useEffect(() => {
    if (window.__epFormsReady) window.__epFormsReady();
  }, []);
  return children;
}
