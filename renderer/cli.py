"""The `nightcap` command line."""

import argparse
import os
import secrets
import sys

import psycopg

from renderer import settings


def cmd_db_up(args: argparse.Namespace) -> int:
    from renderer.cluster import LocalCluster
    from renderer.migrate import migrate

    if os.environ.get("DATABASE_URL"):
        print("DATABASE_URL is set: using that server, no local cluster.", file=sys.stderr)
        url = os.environ["DATABASE_URL"]
    else:
        cluster = LocalCluster.load_or_new()
        url = cluster.up()
        print(f"cluster: {cluster.datadir} on 127.0.0.1:{cluster.port}", file=sys.stderr)
    report_migration(migrate(url))
    print(url)
    return 0


def cmd_db_url(args: argparse.Namespace) -> int:
    print(settings.database_url())
    return 0


def cmd_db_down(args: argparse.Namespace) -> int:
    from renderer.cluster import LocalCluster

    LocalCluster.load().stop()
    return 0


def cmd_db_bootstrap(args: argparse.Namespace) -> int:
    from renderer.bootstrap import bootstrap

    password = os.environ.get("NIGHTCAP_OWNER_PASSWORD") or secrets.token_urlsafe(18)
    print(bootstrap(args.admin_url, args.dbname, args.owner, password))
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from renderer.migrate import migrate

    report_migration(migrate(revision=args.revision))
    return 0


def report_migration(result) -> None:
    print(
        f"migrated to {result.revision}: {len(result.applied)} object file(s) applied, "
        f"{result.unchanged} unchanged",
        file=sys.stderr,
    )


def cmd_demo(args: argparse.Namespace) -> int:
    from renderer import demo

    print(demo.run())
    print(f"\ndatabase: {settings.database_url()}")
    return 0


def positive_seconds(text: str) -> float:
    value = float(text)
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text}")
    return value


def cmd_scheduler(args: argparse.Namespace) -> int:
    from renderer import scheduler
    from renderer.report_reader import ReportReader

    read_url = os.environ.get("NIGHTCAP_READ_URL")
    reader = ReportReader(read_url, max_wait_seconds=args.read_max_wait) if read_url else None
    return scheduler.run(
        settings.database_url(), once=args.once, max_seconds=args.max_seconds, reader=reader
    )


def cmd_renderer(args: argparse.Namespace) -> int:
    from renderer import daemon, metrics

    if args.metrics_port is not None:
        metrics.serve(args.metrics_port)
    if args.links_port is not None:
        from renderer.link_server import start_link_server

        # Download links, and what needs the database: the providers' events,
        # unsubscribe links and the dashboard.
        start_link_server(port=args.links_port, events=True, dashboard=True)
    url = settings.database_url()
    options = daemon.DaemonOptions(
        url=url,
        listen_url=os.environ.get("NIGHTCAP_LISTEN_URL") or url,
        concurrency=args.concurrency,
        lease_seconds=args.lease,
        poll_seconds=args.poll,
        grace_seconds=args.grace,
        once=args.once,
        deliver=not args.no_deliver,
        delivery_lease_seconds=args.delivery_lease,
        expire_files_seconds=args.expire_files,
    )
    return daemon.run(options)


def cmd_dashboard_link(args: argparse.Namespace) -> int:
    from renderer import dashboard_auth, signed_links

    print(dashboard_auth.sign_in_url(args.user, signed_links.link_secret(), args.base_url))
    return 0


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nightcap", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    dbp = sub.add_parser("db", help="the project's own PostgreSQL cluster").add_subparsers(
        dest="db_command", required=True
    )
    dbp.add_parser(
        "up", help="create/start the local cluster and migrate (idempotent)"
    ).set_defaults(func=cmd_db_up)
    dbp.add_parser("url", help="print the database URL").set_defaults(func=cmd_db_url)
    dbp.add_parser("down", help="stop the local cluster").set_defaults(func=cmd_db_down)
    boot = dbp.add_parser(
        "bootstrap", help="create owner role, database and extensions on a server, as a superuser"
    )
    boot.add_argument("--admin-url", default="", help="superuser conninfo (default: libpq env)")
    boot.add_argument("--dbname", default=settings.LOCAL_DATABASE)
    boot.add_argument("--owner", default=settings.LOCAL_OWNER)
    boot.set_defaults(func=cmd_db_bootstrap)

    mig = sub.add_parser("migrate", help="upgrade the database and apply changed db/ objects")
    mig.add_argument("--revision", default="head")
    mig.set_defaults(func=cmd_migrate)

    sub.add_parser("demo", help="load the demo organizations and print a summary").set_defaults(
        func=cmd_demo
    )
    sched = sub.add_parser(
        "scheduler", help="call api.tick() and api.work() every minute (where pg_cron is absent)"
    )
    sched.add_argument("--once", action="store_true", help="one tick and one work call, then exit")
    sched.add_argument(
        "--max-seconds",
        type=positive_seconds,
        default=50,
        help="api.work starts no run after this many seconds (default 50)",
    )
    sched.add_argument(
        "--read-max-wait",
        type=positive_seconds,
        default=float(os.environ.get("NIGHTCAP_READ_MAX_WAIT", "5")),
        help="with NIGHTCAP_READ_URL (a hot standby): wait at most S seconds for it to replay "
        "up to the request before reading the report on the primary (default 5, or "
        "NIGHTCAP_READ_MAX_WAIT)",
    )
    sched.set_defaults(func=cmd_scheduler)
    rend = sub.add_parser(
        "renderer", help="render generated reports into files (a daemon; --once drains the queue)"
    )
    rend.add_argument("--once", action="store_true", help="render what is queued, then exit")
    rend.add_argument("--concurrency", type=positive_int, default=1, help="reports at a time")
    rend.add_argument("--poll", type=positive_seconds, default=5.0, help="poll every S seconds")
    rend.add_argument("--lease", type=positive_seconds, default=60.0, help="lease per report (s)")
    rend.add_argument(
        "--grace", type=positive_seconds, default=30.0, help="on SIGTERM, finish within S seconds"
    )
    rend.add_argument("--metrics-port", type=int, help="serve Prometheus /metrics on this port")
    rend.add_argument(
        "--links-port",
        type=int,
        help="serve download links, email events, unsubscribing and the dashboard on this port",
    )
    rend.add_argument("--no-deliver", action="store_true", help="render only; send no deliveries")
    rend.add_argument(
        "--delivery-lease",
        type=positive_seconds,
        default=180.0,
        help="lease per delivery being sent (s); must outlast every provider's timeout in turn",
    )
    rend.add_argument(
        "--expire-files",
        type=positive_seconds,
        default=60.0,
        help="delete files expired by retention or erasure every S seconds (and after --once)",
    )
    rend.set_defaults(func=cmd_renderer)
    link = sub.add_parser(
        "dashboard-link", help="print a sign-in link to the dashboard for a user (15 minutes)"
    )
    link.add_argument("--user", required=True, help="the user's id (venue.memberships.user_id)")
    link.add_argument("--base-url", help="the link server as users reach it (default: its address)")
    link.set_defaults(func=cmd_dashboard_link)
    sub.add_parser("psql", help="psql on the database; the rest of the line goes to psql")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["psql"]:
        # Everything after `psql` belongs to psql, flags included.
        os.execvp("psql", ["psql", settings.database_url(), *argv[1:]])
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except psycopg.Error as exc:
        state = f" [{exc.sqlstate}]" if exc.sqlstate else ""
        print(f"nightcap: database error{state}: {exc}", file=sys.stderr)
        return 1
    except RuntimeError as exc:
        print(f"nightcap: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
