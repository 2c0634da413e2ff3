import { useEffect, useRef, useState } from "react";
import { BrowserQRCodeReader } from "@zxing/browser";

// Resolves once the video knows its size (its camera's first frame arrived).
function sized(video) {
  return new Promise((resolve) => {
    if (video.videoWidth > 0) return resolve();
    const check = () => {
      if (video.videoWidth === 0) return;
      video.removeEventListener("loadedmetadata", check);
      video.removeEventListener("resize", check);
      resolve();
    };
    video.addEventListener("loadedmetadata", check);
    video.addEventListener("resize", check);
  });
}

// Reads QR codes from the device camera (the back one on phones) continuously and calls
// onScan(text) once per code shown. A phone held over one ticket reads it several times a second:
// the same text is reported again only after it was out of view for `repeatMs`, so the door gets
// one result per person, not a stream of "already used".
export function QrScanner({ onScan, onError, repeatMs = 2500, ...rest }) {
  const videoRef = useRef(null);
  const last = useRef({ text: "", at: 0 });
  const handlers = useRef({ onScan, onError });
  handlers.current = { onScan, onError };

  useEffect(() => {
    let controls = null;
    let stream = null;
    let stopped = false;
    const reader = new BrowserQRCodeReader(undefined, { delayBetweenScanAttempts: 120 });
    const report = (message) => handlers.current.onError && handlers.current.onError(message);
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      report("This browser cannot use the camera here. Open the page over https, or type the code below.");
      return undefined;
    }
    const onRead = (result) => {
      if (!result) return; // most frames hold no code: nothing to report
      const text = result.getText();
      const now = Date.now();
      const repeat = text === last.current.text && now - last.current.at < repeatMs;
      last.current = { text, at: now };
      if (repeat) return;
      // With no network the offline door (assets/door/door.js) decides on this device instead.
      if (window.epDoor && window.epDoor.takesScans()) {
        window.epDoor.scan(text);
        return;
      }
      if (handlers.current.onScan) handlers.current.onScan(text);
    };
    const start = async () => {
      const opened = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      const video = videoRef.current;
      if (stopped || !video) {
        opened.getTracks().forEach((track) => track.stop()); // unmounted while the camera opened
        return;
      }
      stream = opened;
      video.srcObject = opened;
      // ZXing sizes the canvas it reads frames through once, from the video's size when its scan
      // starts, and never again. Started before the camera's first frame (the video is 0 × 0 then,
      // which a busy phone makes likely), every read after fails while the picture looks fine.
      await sized(video);
      if (stopped) return;
      const started = await reader.decodeFromVideoElement(video, onRead);
      controls = started;
      if (stopped) started.stop();
    };
    start().catch((error) => {
      if (stopped) return;
      const denied = error && (error.name === "NotAllowedError" || error.name === "SecurityError");
      report(
        denied
          ? "Camera access was refused. Allow the camera for this site, or type the code below."
          : "No camera could be started. Type the code below instead.",
      );
    });
    return () => {
      stopped = true;
      if (controls) controls.stop();
      if (stream) stream.getTracks().forEach((track) => track.stop());
    };
  }, [repeatMs]);

  return <video ref={videoRef} muted playsInline autoPlay {...rest} />;
}

// Calls onTick every `seconds` while mounted (the door counters refresh with it).
export function Every({ seconds, onTick }) {
  const tick = useRef(onTick);
  tick.current = onTick;
  useEffect(() => {
    const timer = setInterval(() => tick.current && tick.current(), Math.max(1, seconds) * 1000);
    return () => clearInterval(timer);
  }, [seconds]);
  return null;
}

// The camera of a scanner page opened with no network (#21): the page's own camera sits behind the
// session check, which never finishes offline. This one shows only while the offline door
// (assets/door/door.js) takes scans, and hands each read to it.
export function OfflineQrScanner({ repeatMs = 2500, ...rest }) {
  const [offline, setOffline] = useState(false);
  useEffect(() => {
    const check = () => setOffline(Boolean(window.epDoor && window.epDoor.takesScans()));
    check();
    const timer = setInterval(check, 500);
    return () => clearInterval(timer);
  }, []);
  return offline ? <QrScanner repeatMs={repeatMs} {...rest} /> : null;
}
