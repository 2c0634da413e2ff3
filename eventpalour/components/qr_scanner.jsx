import { useEffect, useRef, useState } from "react";
import { BrowserQRCodeReader } from "@zxing/browser";

// How long a camera may take to show its first picture before the page says it shows none.
const FIRST_PICTURE_MS = 20000;

// Resolves once the video knows its size (its camera's first frame arrived); rejects with a
// "no-picture" error when none came within FIRST_PICTURE_MS (a camera held by another app, a
// broken driver), so the page says so instead of showing a black box.
function sized(video) {
  return new Promise((resolve, reject) => {
    if (video.videoWidth > 0) return resolve();
    let timer = null;
    const check = () => {
      if (video.videoWidth === 0) return;
      clearTimeout(timer);
      video.removeEventListener("loadedmetadata", check);
      video.removeEventListener("resize", check);
      resolve();
    };
    timer = setTimeout(() => {
      video.removeEventListener("loadedmetadata", check);
      video.removeEventListener("resize", check);
      reject(Object.assign(new Error("The camera showed no picture."), { name: "NoPicture" }));
    }, FIRST_PICTURE_MS);
    video.addEventListener("loadedmetadata", check);
    video.addEventListener("resize", check);
  });
}

// What went wrong, as the code the page's state turns into words in the reader's language.
function failure(error) {
  if (error && (error.name === "NotAllowedError" || error.name === "SecurityError")) return "refused";
  if (error && error.name === "NoPicture") return "no-picture";
  return "unavailable";
}

// Reads QR codes from the device camera (the back one on phones) continuously and calls
// onScan(text) once per code shown, or onError(code) when the camera cannot be used
// ("unsupported", "refused", "unavailable" or "no-picture": state/scanner.py words them). A phone
// held over one ticket reads it several times a second: the same text is reported again only after
// it was out of view for `repeatMs`, so the door gets one result per person, not a stream of
// "already used".
export function QrScanner({ onScan, onError, repeatMs = 2500, ...rest }) {
  const videoRef = useRef(null);
  const last = useRef({ text: "", at: 0 });
  const handlers = useRef({ onScan, onError });
  handlers.current = { onScan, onError };

  useEffect(() => {
    let controls = null;
    let stream = null;
    let stopped = false;
    let watchdog = null;
    const reader = new BrowserQRCodeReader(undefined, { delayBetweenScanAttempts: 120 });
    const report = (code) => handlers.current.onError && handlers.current.onError(code);
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      report("unsupported");
      return undefined;
    }
    let lastAttempt = 0; // when the scan loop last looked at a frame (the watchdog below reads it)
    const onRead = (result) => {
      lastAttempt = Date.now();
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
      // The scan loop is started here, not by ZXing's decodeFromVideoElement: that one first waits
      // for video.play(), and its wait never settles when play() fails or stays pending on a video
      // that plays anyway (autoPlay). ZXing's loop also ends for good on an error that is not "no
      // code in this frame" (our doors saw a playing camera whose every frame held a readable code
      // and no read). The watchdog starts the loop again whenever it has looked at no frame for 3 s.
      video.play().catch(() => {}); // autoPlay plays it; this only asks again
      const scan = () => {
        if (controls) controls.stop();
        lastAttempt = Date.now();
        controls = reader.scan(video, onRead, (error) => {
          if (error && !stopped) console.warn("The QR reader stopped:", error.name, error.message);
        });
      };
      scan();
      watchdog = setInterval(() => {
        if (stopped || Date.now() - lastAttempt < 3000) return;
        console.warn("The QR reader looked at no frame for 3 s; starting it again.");
        scan();
      }, 1000);
    };
    start().catch((error) => {
      if (stopped) return;
      if (stream) stream.getTracks().forEach((track) => track.stop());
      report(failure(error));
    });
    return () => {
      stopped = true;
      clearInterval(watchdog);
      if (controls) controls.stop();
      if (stream) stream.getTracks().forEach((track) => track.stop());
    };
  }, [repeatMs]);

  return <video ref={videoRef} muted playsInline autoPlay {...rest} />;
}

// The door's answer to each scan where the browser allows (many ignore both until the page was
// touched): a buzz and a tone for its result, then the result's headline brought below the sticky
// header unless it is wholly in view. `count` goes up by one per answer and `result` says which:
// state/scanner.py keeps both, and the signals per result (`signals`, else `fallback`).
export function ScanSignal({ count, result, signals, fallback, boxId, headerId }) {
  const answered = useRef(count);
  useEffect(() => {
    const fresh = count > answered.current;
    answered.current = count;
    if (!fresh) return; // the page's first render, or a reload that started counting again
    const [pattern, tone] = (signals && signals[result]) || fallback;
    try {
      if (navigator.vibrate) navigator.vibrate(pattern);
      const C = window.AudioContext || window.webkitAudioContext;
      if (C) {
        const audio = window.__epDoorAudio || (window.__epDoorAudio = new C());
        if (audio.state === "suspended") audio.resume();
        const oscillator = audio.createOscillator();
        const gain = audio.createGain();
        oscillator.frequency.value = tone;
        gain.gain.value = 0.08;
        oscillator.connect(gain);
        gain.connect(audio.destination);
        oscillator.start();
        oscillator.stop(audio.currentTime + 0.18);
      }
    } catch (error) {} // no sound or buzz is no reason to skip bringing the result into view
    const box = document.getElementById(boxId);
    if (!box) return;
    const header = document.getElementById(headerId);
    const top = (header ? header.getBoundingClientRect().bottom : 0) + 8;
    const rect = box.getBoundingClientRect();
    if (rect.top >= top && rect.bottom <= window.innerHeight) return;
    window.scrollTo({ top: window.scrollY + rect.top - top, behavior: "smooth" });
  }, [count]);
  return null;
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
