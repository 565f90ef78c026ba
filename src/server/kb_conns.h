/*
 * kb_conns.h - the server's gate: accepts connections itself, holds them
 * to the connection caps and the header-completion deadline, and hands
 * the admitted ones to libmicrohttpd (issue #18, items 2 and 3).
 *
 * libmicrohttpd's own accept loop takes ten connections a turn in each
 * worker, between serving the ones it has, so under a flood a connection
 * from anyone else waited in the kernel's accept queue behind every
 * connection of the flood (up to 1,500 in the test) until each had been
 * set up and answered. The gate's thread does nothing but accept: it
 * empties the queue in a few milliseconds, answers a connection over a
 * cap with a 503 itself (once its header block is complete, or after a
 * second if it trickles; then the socket is closed once the client has
 * read it), and passes only the admitted ones to libmicrohttpd
 * (MHD_add_connection), so a client within its cap waits behind at most
 * the admitted connections, not the whole flood. The price is a hand-over
 * between threads for every admitted connection (see
 * docs/reliability.md for what that costs on a loaded machine).
 */
#ifndef KB_CONNS_H
#define KB_CONNS_H

#include <microhttpd.h>

typedef struct kb_conns kb_conns;

/* A gate admitting at most max_conns connections in all and max_per_addr
 * from one peer address (not counted for the trusted addresses, which
 * are borrowed: ntrusted strings that must outlive the gate), each of
 * which must complete a request's header block within header_secs of
 * being accepted or of its previous answer. Not running until
 * kb_conns_start(). Free with kb_conns_free(). */
kb_conns *kb_conns_new(int max_conns, int max_per_addr, double header_secs,
                       char *const *trusted, int ntrusted);

/* Starts the gate's threads: one accepting on listen_fd (which the gate
 * now owns and closes; libmicrohttpd must not poll it: see
 * MHD_quiesce_daemon) and handing connections to d, and one closing
 * those past their header deadline. Returns 0, or -1 if a thread cannot
 * be started. */
int kb_conns_start(kb_conns *g, struct MHD_Daemon *d, int listen_fd);

/* Stops accepting and closes the listening socket and the refused
 * connections still open; connections already handed to libmicrohttpd
 * are its own. Safe to call twice. */
void kb_conns_stop(kb_conns *g);

/* Stops the gate if it runs, and frees it. NULL is a no-op. */
void kb_conns_free(kb_conns *g);

/* libmicrohttpd's notice of a new connection on socket fd (from
 * MHD_OPTION_NOTIFY_CONNECTION): returns the gate's record of it, to be
 * kept as the connection's socket context and given back below; NULL if
 * the gate did not admit it (then nothing is counted). */
void *kb_conns_opened(kb_conns *g, int fd);

/* libmicrohttpd's notice that the connection is closed: uncounts and
 * frees its record (NULL is a no-op). */
void kb_conns_closed(kb_conns *g, void *conn);

/* The connection's header block is complete (on 1; its deadline stops)
 * or its answer was sent (on 0; its deadline starts again). */
void kb_conns_request(kb_conns *g, void *conn, int on);

/* The gate's live records, for /metrics (a count that grows without
 * traffic to match would be a leak): connections admitted and open
 * (*open), of them not yet noticed by libmicrohttpd (*pending), peer
 * addresses with a count (*addrs), refused sockets waiting for their
 * 503 to be read (*refused). */
void kb_conns_counts(kb_conns *g, int *open, int *pending, int *addrs, int *refused);

#endif
