"""Starts the service under uvicorn with the options every deployment needs, in one place.

    python -m service.server --host 127.0.0.1 --port 8001 [--workers N]

`make serve`, `make service-run`, the systemd unit, the container and the tests all start
the service this way, never with uvicorn's own defaults:
- uvicorn's forwarded-header handling is off (it believes X-Forwarded-For from 127.0.0.1
  by default): the service reads the header itself, from SERVICE_TRUSTED_PROXIES only;
- no `Server: uvicorn` header;
- no access log (it writes every client's address; the service logs requests without).
"""

from __future__ import annotations

import argparse

OPTIONS = {
    "factory": True,
    "proxy_headers": False,       # the service itself decides whom to believe
    "forwarded_allow_ips": "",    # and, should the above change, nobody
    "server_header": False,
    "access_log": False,
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m service.server",
                                     description="Lance le service d’action (uvicorn).")
    parser.add_argument("--host", default="127.0.0.1", help="adresse d’écoute")
    parser.add_argument("--port", type=int, default=8001, help="port d’écoute")
    parser.add_argument("--workers", type=int, default=1, help="nombre de processus")
    parser.add_argument("--backlog", type=int, default=2048,
                        help="connexions en attente acceptées par le système")
    args = parser.parse_args(argv)
    import uvicorn
    uvicorn.run("service.app:create_app", host=args.host, port=args.port,
                workers=args.workers, backlog=args.backlog, **OPTIONS)


if __name__ == "__main__":
    main()
