# gunicorn settings for one app instance of 主播学堂 (/etc/lms/gunicorn.conf.py). Two instances run side by side
# (lms@8001 and lms@8002, deploy/systemd/lms@.service), each started as
#   gunicorn -c /etc/lms/gunicorn.conf.py --bind 127.0.0.1:<port> 'lms:create_app()'
# behind nginx (deploy/nginx/lms.conf). Why these numbers: docs/operations.md, "App instances".
import os

# Threads, not processes alone, and no async workers: the app is plain synchronous Flask + SQLAlchemy + psycopg, its
# requests are short and wait mostly on PostgreSQL, and nginx buffers every request and response, so a slow phone
# never holds a thread. Long work (100,000-row checks, imports, PDFs, mail) belongs to the job worker.
worker_class = "gthread"
workers = int(os.environ.get("LMS_GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("LMS_GUNICORN_THREADS", "4"))

# A request that takes longer than this is killed and logged; nginx waits a little longer (proxy_read_timeout 75s).
timeout = 60
# systemctl stop / restart: requests in flight get this long to finish; nginx sends new ones to the other instance.
graceful_timeout = 30
# nginx keeps connections to the instances open (upstream keepalive); keep them a bit longer than nginx does.
keepalive = 75

# Build the app once, in the master, and fork the workers from it (docs/operations.md, "App instances"): a worker
# starts in milliseconds and shares the master's pages (code, models, templates) instead of building its own copy.
# Each worker opens its own database connections (lms.db drops inherited ones at fork) and Redis connections
# (redis-py starts a new pool in a new process). A new release still needs a restart: HUP re-forks the same app.
preload_app = True


def when_ready(server):
    """The preloaded app is built and no worker is forked yet: put everything built so far out of the garbage
    collector's reach, so that its passes in a worker never write to (and so copy) the pages shared with the
    master. What start-up made lives as long as the process anyway."""
    import gc

    gc.collect()
    gc.freeze()


# Recycle workers now and then, so that a slow leak never grows without bound (jitter: not all at once).
max_requests = 5000
max_requests_jitter = 500

# Only nginx on this host talks to gunicorn: its X-Forwarded-Proto tells that the visitor used HTTPS (secure
# cookies, HSTS, the CSRF referrer check); the app reads the other X-Forwarded-* itself (LMS_TRUSTED_PROXIES=1).
forwarded_allow_ips = "127.0.0.1"

# Logs go to stdout/stderr, that is to the journal under systemd.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'

# gunicorn 25.1+ opens a control socket at one path per user ($XDG_RUNTIME_DIR or ~/.gunicorn/gunicorn.ctl): the
# two instances would take it from each other. systemctl manages them instead.
control_socket_disable = True
