/*
 * kb_conns.c - the gate in front of libmicrohttpd: accepting, the
 * connection caps, refusals and the header-completion deadline (see
 * kb_conns.h for why it accepts by itself).
 *
 * Two threads. The acceptor waits (epoll) on the listening socket, an
 * eventfd that wakes it to stop, and the refused sockets it keeps until
 * their client has read the 503. An admitted connection is counted and
 * recorded by its socket before MHD_add_connection, which queues it to a
 * worker; the worker's notice (kb_conns_opened) finds the record by the
 * socket and links it into the list the reaper walks. The reaper wakes
 * every 100 ms and closes the connections past their header deadline.
 * Counts, records and the list are under one mutex.
 */
#include "kb_conns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "kb_metrics.h"
#include "kb_util.h"

/* How long a refused socket is kept for its client to read the 503,
 * and how many may wait at once (past it the oldest is closed). */
#define S_REFUSED_SECS 1.0
#define S_REFUSED_MAX 4096

typedef struct S_conn {
  struct S_conn *prev, *next;  /* g->conns, once libmicrohttpd has it */
  int fd;
  char addr[INET6_ADDRSTRLEN]; /* the peer */
  struct timespec since;       /* accepted, or its last answer sent */
  int in_request;              /* its header block is complete */
  int reaped;                  /* shut down by the reaper */
  int counted_addr;            /* counted against its address's cap */
} S_conn;

typedef struct S_addr {
  struct S_addr *next;
  int n;                       /* admitted connections from addr */
  char addr[INET6_ADDRSTRLEN];
} S_addr;

/* A refused socket waiting for its client to read the 503. */
typedef struct S_refused {
  struct S_refused *next;
  int fd;                      /* -1 once closed */
  struct timespec since;
  uint32_t last;               /* the last four bytes read */
  int answered;                /* the 503 is sent */
} S_refused;

struct kb_conns {
  int max_conns, max_per_addr;
  double header_secs;
  char *const *trusted;        /* borrowed */
  int ntrusted;
  struct MHD_Daemon *d;
  int lfd;                     /* the listening socket, or -1 */
  int ep, wake;                /* the acceptor's epoll and eventfd */
  pthread_mutex_t lock;        /* guards what follows */
  S_conn *conns;               /* admitted, in libmicrohttpd's hands */
  S_conn **pending;            /* by socket: admitted, not yet noticed */
  int npending;                /* size of pending */
  S_addr *addrs[256];          /* counts by peer address */
  int nconns;                  /* admitted and open */
  /* the acceptor's own, no lock: */
  char refusal[320];           /* the 503, whole */
  size_t nrefusal;
  S_refused *refused, *refused_tail;
  int nrefused;
  atomic_int nrefused_seen;    /* nrefused, for kb_conns_counts */
  pthread_t acceptor, reaper;
  int running;
  atomic_int stop;
};

static double S_elapsed(const struct timespec *t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Adds delta to addr's count; returns the new count. Under the lock. */
static int S_addr_add(kb_conns *g, const char *addr, int delta) {
  unsigned h = (unsigned)(kb_hash(addr, strlen(addr)) % (sizeof g->addrs / sizeof *g->addrs));
  S_addr **pp = &g->addrs[h];
  while (*pp && strcmp((*pp)->addr, addr)) pp = &(*pp)->next;
  if (!*pp) {
    *pp = kb_xcalloc(1, sizeof **pp);
    snprintf((*pp)->addr, sizeof (*pp)->addr, "%s", addr);
  }
  S_addr *a = *pp;
  int n = a->n += delta;
  if (n <= 0) {
    *pp = a->next;
    free(a);
  }
  return n;
}

/* Gives back what c counted. Under the lock. */
static void S_uncount(kb_conns *g, S_conn *c) {
  g->nconns--;
  if (c->counted_addr) S_addr_add(g, c->addr, -1);
}

static int S_trusted(const kb_conns *g, const char *addr) {
  for (int i = 0; i < g->ntrusted; i++)
    if (!strcmp(g->trusted[i], addr)) return 1;
  return 0;
}

kb_conns *kb_conns_new(int max_conns, int max_per_addr, double header_secs,
                       char *const *trusted, int ntrusted) {
  kb_conns *g = kb_xcalloc(1, sizeof *g);
  g->max_conns = max_conns;
  g->max_per_addr = max_per_addr;
  g->header_secs = header_secs;
  g->trusted = trusted;
  g->ntrusted = ntrusted;
  g->lfd = g->ep = g->wake = -1;
  static const char body[] = "{\"error\":{\"code\":\"too_many_connections\","
                             "\"message\":\"too many open connections; try again shortly\"}}";
  g->nrefusal = (size_t)snprintf(g->refusal, sizeof g->refusal,
                                 "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n"
                                 "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                                 sizeof body - 1, body);
  pthread_mutex_init(&g->lock, NULL);
  return g;
}

/*--- Refusing ------------------------------------------------------------*/

/* Sends the 503 once and shuts the socket's sending side; the socket
 * stays open to read what the client still sends: closing a socket with
 * unread input sends a reset, which can throw the answer away before the
 * client has read it. */
static void S_refused_answer(kb_conns *g, S_refused *r) {
  if (r->answered) return;
  r->answered = 1;
  kb_metrics_record(KB_ROUTE_OTHER, 503, 0);
  if (send(r->fd, g->refusal, g->nrefusal, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) { /* gone */ }
  shutdown(r->fd, SHUT_WR);
}

/* A connection over a cap. It is answered 503 as soon as its header
 * block is complete, or after a second if it is not (a slow-loris socket
 * is held that long, as an admitted one would be, so that it is not
 * opened again at once), then closed. */
static void S_refuse(kb_conns *g, int fd) {
  S_refused *r = kb_xcalloc(1, sizeof *r);
  r->fd = fd;
  clock_gettime(CLOCK_MONOTONIC, &r->since);
  struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.ptr = r};
  if (epoll_ctl(g->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
    close(fd);
    free(r);
    return;
  }
  if (g->refused_tail) g->refused_tail->next = r; else g->refused = r;
  g->refused_tail = r;
  g->nrefused++;
  atomic_store(&g->nrefused_seen, g->nrefused);
}

/* Closes the refused sockets past their second (answering those not
 * answered yet), all of them when all is set, and the oldest while there
 * are too many. They are in the order refused, so the oldest come
 * first. */
static void S_refused_expire(kb_conns *g, int all) {
  while (g->refused && (all || g->nrefused > S_REFUSED_MAX ||
                        S_elapsed(&g->refused->since) >= S_REFUSED_SECS)) {
    S_refused *r = g->refused;
    if (r->fd >= 0) {
      S_refused_answer(g, r);
      close(r->fd); /* epoll forgets a closed socket */
    }
    g->refused = r->next;
    if (!g->refused) g->refused_tail = NULL;
    g->nrefused--;
    free(r);
  }
  atomic_store(&g->nrefused_seen, g->nrefused);
}

/* A refused socket is readable: reads what the client sent, answers once
 * its header block ends (a blank line), and closes the socket when the
 * client has closed its side (the record goes when it expires). */
static void S_refused_read(kb_conns *g, S_refused *r) {
  char buf[4096];
  ssize_t n;
  while ((n = read(r->fd, buf, sizeof buf)) > 0) {
    for (ssize_t i = 0; i < n && !r->answered; i++) {
      r->last = (r->last << 8) | (unsigned char)buf[i];
      if ((r->last & 0xffffffffu) == 0x0d0a0d0au || (r->last & 0xffffu) == 0x0a0au)
        S_refused_answer(g, r);
    }
  }
  if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
    S_refused_answer(g, r);
    close(r->fd);
    r->fd = -1;
  }
}

/*--- Accepting -----------------------------------------------------------*/

/* Admits or refuses one accepted socket. */
static void S_admit(kb_conns *g, int fd, const struct sockaddr *sa, socklen_t sl) {
  char addr[INET6_ADDRSTRLEN] = "-";
  if (sa->sa_family == AF_INET)
    inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, addr, sizeof addr);
  else if (sa->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, addr, sizeof addr);
  int trusted = S_trusted(g, addr);
  S_conn *c = NULL;
  pthread_mutex_lock(&g->lock);
  if (g->nconns < g->max_conns) {
    if (trusted) {
      c = kb_xcalloc(1, sizeof *c);
    } else if (S_addr_add(g, addr, 1) <= g->max_per_addr) {
      c = kb_xcalloc(1, sizeof *c);
      c->counted_addr = 1;
    } else {
      S_addr_add(g, addr, -1);
    }
  }
  if (c) {
    g->nconns++;
    c->fd = fd;
    snprintf(c->addr, sizeof c->addr, "%s", addr);
    clock_gettime(CLOCK_MONOTONIC, &c->since);
    if (fd >= g->npending) {
      int n = g->npending ? g->npending : 1024;
      while (n <= fd) n *= 2;
      g->pending = kb_xrealloc(g->pending, (size_t)n * sizeof *g->pending);
      memset(g->pending + g->npending, 0, (size_t)(n - g->npending) * sizeof *g->pending);
      g->npending = n;
    }
    /* a record left here means libmicrohttpd dropped that connection
     * before noticing it (it closes the socket then): forget it */
    S_conn *stale = g->pending[fd];
    if (stale) {
      S_uncount(g, stale);
      free(stale);
    }
    g->pending[fd] = c;
  }
  pthread_mutex_unlock(&g->lock);
  if (!c) {
    S_refuse(g, fd);
    return;
  }
  /* the socket is libmicrohttpd's from here, closed by it even on failure */
  if (MHD_add_connection(g->d, fd, sa, sl) != MHD_YES) {
    pthread_mutex_lock(&g->lock);
    if (fd < g->npending && g->pending[fd] == c) {
      g->pending[fd] = NULL;
      S_uncount(g, c);
      free(c);
    }
    pthread_mutex_unlock(&g->lock);
  }
}

/* Accepts until the queue is empty (or 1,024 at a time, to see to the
 * refused sockets between). Returns -1 when out of file descriptors. */
static int S_accept_all(kb_conns *g) {
  for (int i = 0; i < 1024; i++) {
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    int fd = accept4(g->lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM ? -1 : 0;
    }
    S_admit(g, fd, (struct sockaddr *)&ss, sl);
  }
  return 0;
}

static void *S_accept_run(void *arg) {
  kb_conns *g = arg;
  int paused = 0; /* out of descriptors: the listening socket rests */
  struct timespec paused_at = {0};
  while (!atomic_load(&g->stop)) {
    struct epoll_event evs[64];
    int n = epoll_wait(g->ep, evs, 64, 100);
    for (int i = 0; i < n; i++) {
      void *p = evs[i].data.ptr;
      if (p == &g->lfd) {
        if (S_accept_all(g) < 0) {
          /* the queue stays full and epoll would wake at once: rest
           * 100 ms, while refused sockets and closed connections free
           * descriptors */
          struct epoll_event ev = {.events = 0, .data.ptr = &g->lfd};
          epoll_ctl(g->ep, EPOLL_CTL_MOD, g->lfd, &ev);
          paused = 1;
          clock_gettime(CLOCK_MONOTONIC, &paused_at);
        }
      } else if (p != &g->wake) {
        S_refused *r = p;
        if (r->fd >= 0) S_refused_read(g, r);
      }
    }
    S_refused_expire(g, 0);
    if (paused && S_elapsed(&paused_at) >= 0.1) {
      struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &g->lfd};
      epoll_ctl(g->ep, EPOLL_CTL_MOD, g->lfd, &ev);
      paused = 0;
    }
  }
  S_refused_expire(g, 1);
  return NULL;
}

/*--- The header deadline -------------------------------------------------*/

/* Every 100 ms: shuts down the connections past their header deadline,
 * with a 408. Only under the lock, so the socket is still the
 * connection's own (libmicrohttpd closes it after kb_conns_closed, which
 * takes the lock). The worker sees the shut-down socket as the client
 * gone and closes the connection. */
static void *S_reap_run(void *arg) {
  kb_conns *g = arg;
  static const char late[] = "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n"
                             "Content-Length: 0\r\n\r\n";
  while (!atomic_load(&g->stop)) {
    struct timespec ts = {0, 100 * 1000000L};
    nanosleep(&ts, NULL);
    pthread_mutex_lock(&g->lock);
    for (S_conn *c = g->conns; c; c = c->next) {
      if (c->in_request || c->reaped || S_elapsed(&c->since) < g->header_secs) continue;
      if (send(c->fd, late, sizeof late - 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) { /* best effort */ }
      shutdown(c->fd, SHUT_RDWR);
      c->reaped = 1;
    }
    pthread_mutex_unlock(&g->lock);
  }
  return NULL;
}

/*--- Start, stop, and libmicrohttpd's notices ----------------------------*/

int kb_conns_start(kb_conns *g, struct MHD_Daemon *d, int listen_fd) {
  g->d = d;
  g->lfd = listen_fd;
  g->ep = epoll_create1(EPOLL_CLOEXEC);
  g->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (g->ep < 0 || g->wake < 0) return -1;
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &g->lfd};
  struct epoll_event wv = {.events = EPOLLIN, .data.ptr = &g->wake};
  if (epoll_ctl(g->ep, EPOLL_CTL_ADD, g->lfd, &ev) != 0 ||
      epoll_ctl(g->ep, EPOLL_CTL_ADD, g->wake, &wv) != 0)
    return -1;
  if (pthread_create(&g->acceptor, NULL, S_accept_run, g) != 0) return -1;
  if (pthread_create(&g->reaper, NULL, S_reap_run, g) != 0) {
    atomic_store(&g->stop, 1);
    pthread_join(g->acceptor, NULL);
    return -1;
  }
  g->running = 1;
  return 0;
}

void kb_conns_stop(kb_conns *g) {
  if (!g) return;
  atomic_store(&g->stop, 1);
  if (g->running) {
    uint64_t one = 1;
    if (write(g->wake, &one, sizeof one) < 0) { /* it wakes within 100 ms anyway */ }
    pthread_join(g->acceptor, NULL);
    pthread_join(g->reaper, NULL);
    g->running = 0;
  }
  if (g->lfd >= 0) close(g->lfd);
  if (g->ep >= 0) close(g->ep);
  if (g->wake >= 0) close(g->wake);
  g->lfd = g->ep = g->wake = -1;
}

void kb_conns_free(kb_conns *g) {
  if (!g) return;
  kb_conns_stop(g);
  for (int i = 0; i < g->npending; i++) free(g->pending[i]);
  free(g->pending);
  while (g->conns) { /* libmicrohttpd stopped without notices: cannot be, but */
    S_conn *c = g->conns;
    g->conns = c->next;
    free(c);
  }
  for (size_t h = 0; h < sizeof g->addrs / sizeof *g->addrs; h++)
    while (g->addrs[h]) {
      S_addr *a = g->addrs[h];
      g->addrs[h] = a->next;
      free(a);
    }
  pthread_mutex_destroy(&g->lock);
  free(g);
}

void *kb_conns_opened(kb_conns *g, int fd) {
  pthread_mutex_lock(&g->lock);
  S_conn *c = fd >= 0 && fd < g->npending ? g->pending[fd] : NULL;
  if (c) {
    g->pending[fd] = NULL;
    c->next = g->conns;
    if (g->conns) g->conns->prev = c;
    g->conns = c;
  }
  pthread_mutex_unlock(&g->lock);
  return c;
}

void kb_conns_closed(kb_conns *g, void *conn) {
  S_conn *c = conn;
  if (!c) return;
  pthread_mutex_lock(&g->lock);
  if (c->prev) c->prev->next = c->next; else g->conns = c->next;
  if (c->next) c->next->prev = c->prev;
  S_uncount(g, c);
  pthread_mutex_unlock(&g->lock);
  free(c);
}

void kb_conns_request(kb_conns *g, void *conn, int on) {
  S_conn *c = conn;
  if (!c) return;
  pthread_mutex_lock(&g->lock);
  c->in_request = on;
  if (!on) clock_gettime(CLOCK_MONOTONIC, &c->since);
  pthread_mutex_unlock(&g->lock);
}

void kb_conns_counts(kb_conns *g, int *open, int *pending, int *addrs, int *refused) {
  pthread_mutex_lock(&g->lock);
  *open = g->nconns;
  *pending = 0;
  for (int i = 0; i < g->npending; i++) *pending += g->pending[i] != NULL;
  *addrs = 0;
  for (size_t h = 0; h < sizeof g->addrs / sizeof *g->addrs; h++)
    for (const S_addr *a = g->addrs[h]; a; a = a->next) (*addrs)++;
  pthread_mutex_unlock(&g->lock);
  *refused = atomic_load(&g->nrefused_seen);
}
