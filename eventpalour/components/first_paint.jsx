import { useLayoutEffect } from "react";

// The server writes a plain-HTML copy of an event page into /e/{short_id} (api/first_paint.py), laid
// over the app, and keeps the app's stylesheet off screen (media "not all") so it does not hold back
// that first paint. This runs in the same commit that puts the real page on screen, before the
// browser paints it: the stylesheet applies again and the copy goes, so the two are never seen
// together. A stylesheet still on its way keeps the copy up until it has arrived (or failed).
function reveal() {
  document.getElementById("ep-first-paint")?.remove();
}

export function FirstPaintSwap() {
  useLayoutEffect(() => {
    const deferred = [...document.querySelectorAll("link[data-ep-deferred]")];
    for (const link of deferred) {
      link.media = "all";
      link.removeAttribute("data-ep-deferred");
    }
    const pending = deferred.filter((link) => !link.sheet);
    let left = pending.length;
    if (left === 0) {
      reveal();
      return;
    }
    const arrived = () => {
      left -= 1;
      if (left === 0) reveal();
    };
    for (const link of pending) {
      link.addEventListener("load", arrived, { once: true });
      link.addEventListener("error", arrived, { once: true });
    }
  }, []);
  return null;
}
