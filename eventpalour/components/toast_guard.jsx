import { useEffect } from "react";
import { useLocation } from "react-router";
import { toast } from "sonner";

// A toast belongs to the page it was raised on: when the route changes, the toasts that were already
// showing close. One raised moments before the change (an outcome sent together with a redirect, as
// "Sign in to continue") is the next page's, and stays.
const FRESH_MS = 1500;
const firstSeen = new Map();
let watching = false;

function note() {
  const now = Date.now();
  const live = new Set();
  for (const shown of toast.getToasts()) {
    live.add(shown.id);
    if (!firstSeen.has(shown.id)) firstSeen.set(shown.id, now);
  }
  for (const id of [...firstSeen.keys()]) if (!live.has(id)) firstSeen.delete(id);
}

export function ToastGuard() {
  const { pathname } = useLocation();
  useEffect(() => {
    if (!watching) {
      watching = true;
      setInterval(note, 250);
    }
  }, []);
  useEffect(() => {
    note();
    const now = Date.now();
    for (const [id, at] of firstSeen) {
      if (now - at > FRESH_MS) {
        toast.dismiss(id);
        firstSeen.delete(id);
      }
    }
  }, [pathname]);
  return null;
}
