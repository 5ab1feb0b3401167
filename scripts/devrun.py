"""``make run``: the web server, one Celery worker and beat, together.

Ctrl-C (or SIGTERM) stops all three.
"""

import os
import signal
import socket
import subprocess
import sys
import time

PYTHON = sys.executable
HOST = os.environ.get("HOST", "127.0.0.1")
PORT = os.environ.get("PORT", "8000")


def _wait_for_port(host: str, port: int, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex((host, port)) == 0:
                return True
        time.sleep(0.3)
    return False


def serve_env(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The environment the three processes share.

    Links in mails and the card's QR code are built from ``SITE_URL``; unless it is set, it is
    the address this run serves on, so ``PORT=8080 make run`` sends links to port 8080 (issue 16).
    """
    env = dict(os.environ if environ is None else environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings.local")
    host = env.get("HOST", "127.0.0.1")
    port = env.get("PORT", "8000")
    if not env.get("SITE_URL"):
        env["SITE_URL"] = f"http://{host}:{port}"
    return env


def main() -> int:
    os.environ.update(serve_env())
    os.makedirs("var", exist_ok=True)
    celery = [PYTHON, "-m", "celery", "-A", "unionportal"]
    commands = {
        "web": [PYTHON, "manage.py", "runserver", f"{HOST}:{PORT}"],
        "worker": celery
        + [
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            "2",
            "--without-mingle",
            "--without-gossip",
            "--hostname",
            "worker@%h",
        ],
        "beat": celery + ["beat", "--loglevel", "INFO", "--pidfile", "var/celerybeat.pid"],
    }
    processes = {name: subprocess.Popen(cmd, start_new_session=True) for name, cmd in commands.items()}

    def stop(*_):
        for process in processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    signal.signal(signal.SIGTERM, lambda *_: (stop(), sys.exit(0)))
    try:
        if _wait_for_port(HOST, int(PORT)):
            subprocess.run([PYTHON, "manage.py", "demo_logins", "--address", f"http://{HOST}:{PORT}"], check=False)
        while all(process.poll() is None for process in processes.values()):
            time.sleep(0.5)
        failed = [name for name, process in processes.items() if process.poll() is not None]
        print(f"Stopped because {', '.join(failed)} exited.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stop()


if __name__ == "__main__":
    sys.exit(main())
