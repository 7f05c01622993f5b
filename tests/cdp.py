"""A tiny headless-Chromium driver: the Chrome DevTools Protocol over a pipe, stdlib only.

Chromium started with ``--remote-debugging-pipe`` reads protocol commands on its
file descriptor 3 and writes replies and events on descriptor 4, one JSON
message per NUL-terminated chunk. That is all a test needs to open a page, wait
for it, run a script in it and take a screenshot, without Playwright, Selenium
or a websocket library.

    with Chromium("/usr/bin/chromium") as browser:
        page = browser.new_page(width=1280, height=900)
        page.goto("http://127.0.0.1:8000/index.html")
        print(page.evaluate("document.title"))
        page.screenshot(Path("page.png"))
"""
from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import subprocess
import tempfile
import time
from pathlib import Path


class BrowserError(RuntimeError):
    """Chromium died, answered with an error, or did not answer in time."""


class Chromium:
    """One headless Chromium process. Outside hosts are unreachable: every name but
    localhost resolves to nothing, so a page that needs the internet shows it at once
    (instead of hanging on a firewall) and the check behaves the same online and offline."""

    def __init__(self, executable: str, timeout: float = 180.0):
        self.timeout = timeout
        to_chrome_r, self._to_chrome = os.pipe()       # we write commands -> its fd 3
        self._from_chrome, from_chrome_w = os.pipe()   # its fd 4 -> we read replies

        def wire_fds():                                # in the child, before exec
            a = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
            b = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)                              # dup2 makes 3 and 4 inheritable
            os.dup2(b, 4)

        args = [executable, "--headless=new", "--remote-debugging-pipe", "--no-sandbox",
                "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
                "--hide-scrollbars", "--mute-audio", "--disable-extensions",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
                "about:blank"]
        self._log = tempfile.TemporaryFile()           # a file, not a pipe: a full pipe would block Chromium
        self._proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self._log,
                                      stderr=self._log, preexec_fn=wire_fds, close_fds=False)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict] = []
        self.send("Target.getTargets")                 # the pipe works, or a clear error now

    # ------------------------------------------------------------------ protocol
    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError(f"Chromium did not answer within {self.timeout:.0f} s")
            ready, _, _ = select.select([self._from_chrome], [], [], left)
            if ready:
                chunk = os.read(self._from_chrome, 1 << 20)
                if not chunk:
                    raise BrowserError(f"Chromium closed the pipe (exit {self._proc.poll()}): {self.log()[-2000:]}")
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, session: str | None = None, **params) -> dict:
        """Send one command and return its result (events that arrive meanwhile are kept)."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self._to_chrome, data):]
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self._events.append(reply)

    def wait_for_event(self, method: str, session: str | None = None, timeout: float | None = None) -> dict | None:
        """The next event ``method`` (of ``session``), or None when none came within ``timeout``."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            for event in self._events:
                if event.get("method") == method and event.get("sessionId") == session:
                    self._events.remove(event)
                    return event.get("params", {})
            try:
                self._events.append(self._read_message(deadline))
            except BrowserError:
                if time.monotonic() >= deadline:
                    return None
                raise

    def take_events(self, session: str, prefix: str) -> list[dict]:
        """Remove and return the events kept so far whose method starts with ``prefix`` (of ``session``)."""
        taken = [e for e in self._events if e.get("sessionId") == session and e.get("method", "").startswith(prefix)]
        self._events = [e for e in self._events if e not in taken]
        return taken

    def new_page(self, width: int = 1280, height: int = 900) -> "Page":
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        page = Page(self, session, target)
        page.send("Page.enable")
        page.send("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=1, mobile=False)
        return page

    # ------------------------------------------------------------------ lifetime
    def close(self) -> None:
        try:
            if self._proc.poll() is None:
                try:
                    self.send("Browser.close")
                except (BrowserError, OSError):
                    pass
                try:
                    self._proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
                    self._proc.wait()
        finally:
            for fd in (self._to_chrome, self._from_chrome):
                try:
                    os.close(fd)
                except OSError:
                    pass
            self._log.close()

    def log(self) -> str:
        """What Chromium printed so far."""
        self._log.seek(0)
        return self._log.read().decode(errors="replace")

    def __enter__(self) -> "Chromium":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Page:
    """One tab of :class:`Chromium`."""

    def __init__(self, browser: Chromium, session: str, target: str):
        self.browser, self.session, self.target = browser, session, target

    def close(self) -> None:
        self.browser.send("Target.closeTarget", targetId=self.target)

    def send(self, method: str, **params) -> dict:
        return self.browser.send(method, session=self.session, **params)

    def goto(self, url: str) -> bool:
        """Open ``url`` and wait for its load event; False if it did not come in time."""
        result = self.send("Page.navigate", url=url)
        if result.get("errorText"):
            raise BrowserError(f"cannot open {url}: {result['errorText']}")
        return self.browser.wait_for_event("Page.loadEventFired", self.session) is not None

    def record_requests(self) -> None:
        """Record every request this page makes from now on (read them with :meth:`requests`)."""
        self.send("Network.enable")

    def requests(self) -> list[dict]:
        """This page's requests since :meth:`record_requests`, in order, each ``{"url", "status", "error"}``:
        the HTTP status of its response (None if none came) and why it failed (None if it did not;
        e.g. ``net::ERR_NAME_NOT_RESOLVED`` for an outside host). A redirect is one entry per URL."""
        self.evaluate("0")                        # one round trip: every earlier event has arrived
        requests, latest = [], {}
        for event in self.browser.take_events(self.session, "Network."):
            params, method = event.get("params", {}), event["method"]
            entry = latest.get(params.get("requestId"))
            if method == "Network.requestWillBeSent":
                if entry is not None and params.get("redirectResponse"):
                    entry["status"] = params["redirectResponse"]["status"]
                latest[params["requestId"]] = {"url": params["request"]["url"], "status": None, "error": None}
                requests.append(latest[params["requestId"]])
            elif method == "Network.responseReceived" and entry is not None:
                entry["status"] = params["response"]["status"]
            elif method == "Network.loadingFailed" and entry is not None:
                entry["error"] = params.get("blockedReason") or params.get("errorText") or "failed"
                if params.get("canceled"):
                    entry["error"] += " (canceled)"
        return requests

    def evaluate(self, expression: str):
        """The value of a JavaScript expression; a promise is awaited."""
        result = self.send("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in result:
            raise BrowserError(f"script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path, max_height: int = 12000) -> Path:
        """A PNG of the whole page (cut at ``max_height`` CSS pixels: browsers cap image sizes)."""
        size = self.send("Page.getLayoutMetrics")["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], max_height), "scale": 1}
        data = self.send("Page.captureScreenshot", format="png", clip=clip, captureBeyondViewport=True)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path
