/*
 * kb_live.c - the index being served, and swapping it without downtime.
 *
 * A generation (kb_gen) is everything read from one index file: one
 * SQLite connection per worker slot (each worker thread owns a slot, so no
 * connection is ever used by two threads at once), the store directory and
 * the metadata. A request acquires the current generation when it starts
 * and releases it when it completes, so it runs on one generation from
 * beginning to end: in-flight requests finish on the old one while new
 * requests get the new one, and a generation is freed when the last request
 * that holds it completes.
 *
 * Reloading (SIGHUP, or the watcher seeing the file replaced) builds the
 * new generation completely, and checks it, before publishing it: every
 * connection is opened, the database passes a quick check, and the file's
 * identity (device, inode) is the same before and after all connections
 * were opened, so all of them read one file. A file that fails is refused,
 * logged and reported on /healthz, and the old generation keeps serving.
 *
 * A generation is about 21 MB of heap for the four-language kb/ (a stem
 * cache of 0.9 MB per language per connection, SQLite's connections, the
 * vocabularies and postings), and during a swap two are alive. glibc keeps
 * what is freed below the top of a heap, and after the first 0.9 MB block
 * is unmapped it raises its mmap threshold, so the next generations' stem
 * caches come from the heap too, zeroed and resident: the server grew by
 * a generation or more over a few swaps and kept creeping (the 30-minute
 * soak: 38.0 -> 85.6 MB over 58 swaps). So once a generation is freed, the
 * memory is given back with malloc_trim() (S_give_back()), from the thread
 * that swapped or from the watcher, never from a worker thread finishing
 * a request (a trim took 8 to 64 ms on a loaded machine). What remains is
 * fragmentation that levels off (docs/reliability.md, "Soak").
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdint.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "kb_diag.h"
#include "server.h"

struct kb_gen {
  atomic_int refs;       /* requests holding it, +1 while it is current */
  kb_index **ix;         /* one connection per worker slot */
  int nslots;
  kb_geo *geo;
  kb_site *site;
  kb_frames *frames;     /* the pages' frame in each language, built by the
                            first page of each (kb_page.c) */
  int articles;
  char *built;           /* build time, ISO 8601 */
  double built_epoch;
  char build_id[17];     /* FNV-1a 64 of the file's bytes, hex */
  struct stat st;        /* identity of the file it was read from */
  unsigned live_id;      /* the live index it belongs to */
  atomic_int *next_slot; /* that live index's slot counter */
  atomic_int *freed;     /* that live index's count of freed generations */
};

struct kb_live {
  char *path;
  int nslots;
  size_t search_cache;   /* each slot's search cache's bound; 0: none */
  pthread_mutex_t lock;  /* guards cur and the status fields */
  pthread_mutex_t reload_lock; /* one reload at a time */
  kb_gen *cur;
  int reloads;           /* successful reloads */
  int refused;           /* refused reloads */
  char *error;           /* why the last reload was refused, or NULL */
  struct stat refused_st; /* the file last refused (not retried by the watcher) */
  pthread_t watcher;
  int watching;
  atomic_int stop;
  char *status_path;     /* the indexer's status file beside the index */
  struct stat status_st; /* identity of the status file last read */
  char *status;          /* its JSON object, checked, or NULL */
  unsigned id;           /* unique in the process, never 0 */
  atomic_int next_slot;  /* slots handed to worker threads so far */
  atomic_int freed;      /* generations freed so far */
  atomic_int given_back; /* freed generations whose memory was given back */
};

/* Worker threads take slots of a live index in the order they first serve
 * a request from it. The numbering is per live index, not per process, so
 * a server stopped and started again in one process (tests, an embedding
 * program) numbers its new threads from 0 again; a thread remembers which
 * live index its slot belongs to. */
static atomic_uint S_next_live_id;
static _Thread_local struct {
  unsigned live;  /* id of the live index the slot is in; 0 = none */
  int slot;
} S_mine;

/*--- Generations ---------------------------------------------------------*/

static void S_gen_free(kb_gen *g) {
  if (!g) return;
  /* the others borrow from the first: it is closed last */
  for (int i = g->nslots - 1; i >= 0; i--) kb_index_close(g->ix[i]);
  free(g->ix);
  kb_geo_free(g->geo);
  kb_site_free(g->site);
  kb_frames_free(g->frames);
  free(g->built);
  if (g->freed) atomic_fetch_add(g->freed, 1);
  free(g);
}

/* Gives the memory of the generations freed since the last call back to
 * the system (see the top of the file). */
static void S_give_back(kb_live *l) {
  int freed = atomic_load(&l->freed);
  if (atomic_exchange(&l->given_back, freed) != freed) malloc_trim(0);
}

static int S_same_file(const struct stat *a, const struct stat *b) {
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
         a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* The build id of the file at path: FNV-1a (64 bits) of its bytes, in
 * hex. Not a defence against forgery: a name an operator compares across
 * replicas (the same file copied everywhere has the same id). 0 or -1. */
static int S_build_id(const char *path, char out[17]) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  uint64_t h = 0xcbf29ce484222325ULL;
  unsigned char buf[1 << 16];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0)
    for (ssize_t i = 0; i < n; i++) h = (h ^ buf[i]) * 0x100000001b3ULL;
  close(fd);
  snprintf(out, 17, "%016llx", (unsigned long long)h);
  return n < 0 ? -1 : 0;
}

/* Loads and checks a whole generation from path; NULL with err on failure. */
static kb_gen *S_gen_load(const char *path, int nslots, size_t search_cache, char *err,
                          size_t nerr, struct stat *tried) {
  kb_gen *g = kb_xcalloc(1, sizeof *g);
  atomic_init(&g->refs, 1);
  g->nslots = nslots;
  g->ix = kb_xcalloc((size_t)nslots, sizeof *g->ix);
  struct stat after;
  if (stat(path, &g->st) != 0) {
    snprintf(err, nerr, "cannot open %s: %s", path, strerror(errno));
    goto fail;
  }
  if (tried) *tried = g->st;
  /* one copy of what the index loads into memory, shared by the slots */
  for (int i = 0; i < nslots; i++)
    if (!(g->ix[i] = i ? kb_index_open_shared(path, g->ix[0], err, nerr)
                       : kb_index_open(path, err, nerr)))
      goto fail;
  if (kb_index_verify(g->ix[0], err, nerr) != 0) goto fail;
  /* each slot's own cache, empty: a new index never serves an old
   * index's results (set after the verify's search, not to keep it) */
  for (int i = 0; i < nslots; i++) kb_index_set_search_cache(g->ix[i], search_cache);
  if (!(g->geo = kb_geo_load(path, err, nerr))) goto fail;
  if (!(g->site = kb_site_load(path, err, nerr))) goto fail;
  if (S_build_id(path, g->build_id) != 0) {
    snprintf(err, nerr, "cannot read %s: %s", path, strerror(errno));
    goto fail;
  }
  if (stat(path, &after) != 0 || !S_same_file(&g->st, &after)) {
    snprintf(err, nerr, "%s changed while it was being loaded", path);
    goto fail;
  }
  g->articles = kb_index_count(g->ix[0]);
  g->frames = kb_frames_new();
  const char *b = kb_index_meta(g->ix[0], "built");
  g->built = kb_xstrdup(b ? b : "");
  struct tm tm = {0};
  if (b && strptime(b, "%Y-%m-%dT%H:%M:%SZ", &tm)) g->built_epoch = (double)timegm(&tm);
  return g;
fail:
  S_gen_free(g);
  return NULL;
}

void kb_gen_release(kb_gen *g) {
  if (g && atomic_fetch_sub(&g->refs, 1) == 1) S_gen_free(g);
}

kb_index *kb_gen_index(kb_gen *g) {
  if (S_mine.live != g->live_id) {
    S_mine.live = g->live_id;
    S_mine.slot = atomic_fetch_add(g->next_slot, 1);
  }
  return S_mine.slot < g->nslots ? g->ix[S_mine.slot] : NULL;
}

const kb_geo *kb_gen_geo(const kb_gen *g) { return g->geo; }
const kb_site *kb_gen_site(const kb_gen *g) { return g->site; }
kb_frames *kb_gen_frames(const kb_gen *g) { return g->frames; }
int kb_gen_articles(const kb_gen *g) { return g->articles; }
const char *kb_gen_built(const kb_gen *g) { return g->built; }
double kb_gen_built_epoch(const kb_gen *g) { return g->built_epoch; }
const char *kb_gen_build_id(const kb_gen *g) { return g->build_id; }

/*--- The indexer's status file -----------------------------------------*/

/* Reads the status file again when it was replaced (the indexer renames a
 * new one over it after every build). A file that is missing or not a
 * JSON object clears the status: nothing is shown rather than something
 * stale or garbled. Called by whoever asks for the status (a stat, the
 * file read only when it changed), so /healthz and /kb-health are as fresh
 * as the file: a poll would add its interval, and the watcher thread
 * polls the index too, whose reload can keep it busy for a second. */
static void S_status_poll(kb_live *l) {
  struct stat st;
  int have = stat(l->status_path, &st) == 0;
  pthread_mutex_lock(&l->lock);
  int same = have ? S_same_file(&st, &l->status_st) : !l->status;
  pthread_mutex_unlock(&l->lock);
  if (same) return;
  char *json = NULL;
  if (have) {
    FILE *f = fopen(l->status_path, "rb");
    kb_buf b = KB_BUF_INIT;
    char chunk[4096];
    size_t n;
    while (f && (n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.n < (1u << 20)) kb_buf_put(&b, chunk, n);
    if (f) fclose(f);
    cJSON *j = b.p ? cJSON_Parse(b.p) : NULL;
    if (cJSON_IsObject(j)) json = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    kb_buf_cleanup(&b);
  }
  pthread_mutex_lock(&l->lock);
  free(l->status);
  l->status = json ? kb_xstrdup(json) : NULL;
  if (have) l->status_st = st;
  else memset(&l->status_st, 0, sizeof l->status_st);
  pthread_mutex_unlock(&l->lock);
  if (json) cJSON_free(json);
}

int kb_live_kb_status(kb_live *l, kb_buf *out) {
  S_status_poll(l);
  pthread_mutex_lock(&l->lock);
  int have = l->status != NULL;
  if (have) {
    kb_buf_puts(out, "\"kb\":");
    kb_buf_puts(out, l->status);
  }
  pthread_mutex_unlock(&l->lock);
  return have;
}

int kb_live_kb_errors(kb_live *l) {
  S_status_poll(l);
  pthread_mutex_lock(&l->lock);
  const char *e = l->status ? strstr(l->status, "\"errors\":") : NULL;
  int n = e ? atoi(e + 9) : 0;
  pthread_mutex_unlock(&l->lock);
  return n;
}

/*--- The live index ------------------------------------------------------*/

kb_live *kb_live_new(const char *path, int nslots, size_t search_cache, char *err, size_t nerr) {
  kb_gen *g = S_gen_load(path, nslots, search_cache, err, nerr, NULL);
  if (!g) return NULL;
  kb_live *l = kb_xcalloc(1, sizeof *l);
  l->status_path = kb_fmt("%s%s", path, KB_DIAG_STATUS_SUFFIX);
  l->path = kb_xstrdup(path);
  l->nslots = nslots;
  l->search_cache = search_cache;
  l->id = atomic_fetch_add(&S_next_live_id, 1) + 1;
  g->live_id = l->id;
  g->next_slot = &l->next_slot;
  g->freed = &l->freed;
  l->cur = g;
  pthread_mutex_init(&l->lock, NULL);
  pthread_mutex_init(&l->reload_lock, NULL);
  S_status_poll(l);
  return l;
}

kb_gen *kb_live_acquire(kb_live *l) {
  pthread_mutex_lock(&l->lock);
  kb_gen *g = l->cur;
  atomic_fetch_add(&g->refs, 1);
  pthread_mutex_unlock(&l->lock);
  return g;
}

/* err for /healthz: the index's path (where the server's files are) as
 * its file name only; the log keeps the whole message. */
static char *S_public_error(const char *path, const char *err) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  kb_buf b = KB_BUF_INIT;
  size_t n = strlen(path);
  for (const char *p = err; *p;) {
    const char *hit = n ? strstr(p, path) : NULL;
    if (!hit) {
      kb_buf_puts(&b, p);
      break;
    }
    kb_buf_put(&b, p, (size_t)(hit - p));
    kb_buf_puts(&b, base);
    p = hit + n;
  }
  return kb_buf_detach(&b);
}

int kb_live_reload(kb_live *l, const char *why) {
  char err[512];
  pthread_mutex_lock(&l->reload_lock);
  struct stat st;
  pthread_mutex_lock(&l->lock);
  int same = stat(l->path, &st) == 0 && S_same_file(&st, &l->cur->st) && strcmp(why, "SIGHUP");
  pthread_mutex_unlock(&l->lock);
  if (same) { /* another reload already loaded this file */
    pthread_mutex_unlock(&l->reload_lock);
    return 0;
  }
  struct stat tried = {0};
  kb_gen *g = S_gen_load(l->path, l->nslots, l->search_cache, err, sizeof err, &tried);
  pthread_mutex_lock(&l->lock);
  if (!g) {
    l->refused++;
    free(l->error);
    l->error = S_public_error(l->path, err);
    /* the file that failed is not tried again; a newer one that replaced
     * it meanwhile (the indexer builds again and again in watch mode) is
     * not that file, and is loaded by the watcher in its turn */
    l->refused_st = tried;
    pthread_mutex_unlock(&l->lock);
    fprintf(stderr, "kb-serve: %s: new index refused, still serving the one built %s: %s\n",
            why, l->cur->built, err);
    malloc_trim(0); /* what the refused one loaded */
    pthread_mutex_unlock(&l->reload_lock);
    return -1;
  }
  kb_gen *old = l->cur;
  g->live_id = l->id;
  g->next_slot = &l->next_slot;
  g->freed = &l->freed;
  l->cur = g;
  l->reloads++;
  free(l->error);
  l->error = NULL;
  pthread_mutex_unlock(&l->lock);
  fprintf(stderr, "kb-serve: %s: now serving the index built %s (%d articles)\n", why, g->built,
          g->articles);
  kb_gen_release(old);
  S_give_back(l); /* the old one, unless a request still holds it: then
                     the watcher gives it back once it is freed */
  pthread_mutex_unlock(&l->reload_lock);
  return 0;
}

void kb_live_status(kb_live *l, kb_buf *out) {
  pthread_mutex_lock(&l->lock);
  kb_buf_printf(out, "\"reloads\":%d,\"refused\":%d,\"reload_error\":", l->reloads, l->refused);
  if (l->error) kb_buf_put_json(out, l->error, strlen(l->error));
  else kb_buf_puts(out, "null");
  pthread_mutex_unlock(&l->lock);
}

/* Polls the file; a new file at the path (renamed over it, or rewritten)
 * is loaded once it has stopped changing for one interval. */
static void *S_watch(void *arg) {
  kb_live *l = arg;
  struct stat seen = {0}, st;
  while (!atomic_load(&l->stop)) {
    struct timespec ts = {0, 200 * 1000000L};
    nanosleep(&ts, NULL);
    S_give_back(l);
    S_status_poll(l);
    if (stat(l->path, &st) != 0) continue;
    pthread_mutex_lock(&l->lock);
    int known = S_same_file(&st, &l->cur->st) || S_same_file(&st, &l->refused_st);
    pthread_mutex_unlock(&l->lock);
    if (known) continue;
    if (!S_same_file(&st, &seen)) {
      seen = st; /* changed: wait one more interval for it to settle */
      continue;
    }
    kb_live_reload(l, "index file replaced");
  }
  return NULL;
}

int kb_live_watch(kb_live *l) {
  if (l->watching) return 0;
  if (pthread_create(&l->watcher, NULL, S_watch, l) != 0) return -1;
  l->watching = 1;
  return 0;
}

void kb_live_free(kb_live *l) {
  if (!l) return;
  if (l->watching) {
    atomic_store(&l->stop, 1);
    pthread_join(l->watcher, NULL);
  }
  kb_gen_release(l->cur);
  pthread_mutex_destroy(&l->lock);
  pthread_mutex_destroy(&l->reload_lock);
  free(l->error);
  free(l->status);
  free(l->status_path);
  free(l->path);
  free(l);
}
