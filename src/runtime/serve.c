// SPDX-License-Identifier: GPL-2.0-only
/* --listen: the maps as Prometheus metrics over HTTP, read at scrape
 * time. libmicrohttpd runs its own thread (one thread, epoll), so a scrape
 * never waits for the event loop nor the event loop for a scrape; map reads
 * are syscalls, safe from any thread. The thread formats with its own
 * struct out (its own symbol cache). Requests are bounded in size and idle
 * time, connections in number, and stopping closes them all at once, so no
 * client can hold plumb up. */
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "binary/binary.h"
#include "options.h"
#include "output/prom.h"
#include "runtime/rt.h"

#define MAX_CONNECTIONS 32
#define MAX_PER_IP 8
#define IDLE_SECONDS 5
#define REQUEST_BYTES 8192	/* the request line and headers */

struct rt_serve {
	struct rt *rt;
	struct MHD_Daemon *d;
	struct out out;		/* this thread's: symbol caches are not shared */
};

static const char index_page[] =
	"<!DOCTYPE html>\n<html><head><title>plumb</title></head><body>\n"
	"<h1>plumb</h1>\n<p>A plumb program's maps as Prometheus metrics: "
	"<a href=\"metrics\">/metrics</a>.</p>\n</body></html>\n";

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status, char *body,
			     size_t len, const char *type, bool owned)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
		len, body, owned ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	if (!r) {
		if (owned)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static bool read_map(void *ctx, const struct map *m, struct out_mapdata *d)
{
	return rt_map_read(ctx, m, d);
}

static uint64_t read_stat(void *ctx, int slot)
{
	return rt_stat(ctx, slot);
}

static enum MHD_Result metrics(struct rt_serve *sv, struct MHD_Connection *c)
{
	const char *accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							 MHD_HTTP_HEADER_ACCEPT);
	bool om = accept && strstr(accept, "application/openmetrics-text");
	struct prom_source src = { sv->rt, read_map, read_stat };
	struct strbuf sb = {0};

	prom_render(sv->rt->prom, &sv->out, &src, om, &sb);
	return reply(c, MHD_HTTP_OK, sb.s, sb.len, om ? PROM_OPENMETRICS_TYPE : PROM_CONTENT_TYPE,
		     true);
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **state)
{
	static int seen;
	struct rt_serve *sv = cls;
	bool head = !strcmp(method, MHD_HTTP_METHOD_HEAD);

	(void)version;
	(void)upload;
	if (!*state) {
		*state = &seen;		/* the headers are in; a body may follow */
		return MHD_YES;
	}
	if (*upload_size)
		return MHD_NO;	/* a scraper sends no body: hang up on one */
	if (strcmp(method, MHD_HTTP_METHOD_GET) && !head)
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, (char *)"GET only\n", 9,
			     "text/plain", false);
	if (!strcmp(url, "/metrics"))
		return metrics(sv, c);
	if (!strcmp(url, "/"))
		return reply(c, MHD_HTTP_OK, (char *)index_page, sizeof(index_page) - 1,
			     "text/html; charset=utf-8", false);
	return reply(c, MHD_HTTP_NOT_FOUND, (char *)"not found: try /metrics\n", 24, "text/plain",
		     false);
}

/* "[HOST]:PORT": the last colon splits, brackets around an IPv6 host
 * are dropped, an empty host is every address. */
static bool split_address(const char *spec, char *host, size_t hlen, char *port, size_t plen)
{
	const char *colon = strrchr(spec, ':');
	size_t n;

	if (!colon || !colon[1] || strlen(colon + 1) >= plen)
		return false;
	n = (size_t)(colon - spec);
	if (n >= 2 && spec[0] == '[' && spec[n - 1] == ']')
		spec++, n -= 2;
	if (n >= hlen)
		return false;
	memcpy(host, spec, n);
	host[n] = '\0';
	strcpy(port, colon + 1);
	return strspn(port, "0123456789") == strlen(port);
}

bool rt_listen_spec_ok(const char *spec)
{
	char host[256], port[8];

	return split_address(spec, host, sizeof(host), port, sizeof(port)) && atoi(port) < 65536;
}

/* The listening socket is plumb's, so that a port in use is a plain
 * error before anything is attached. */
static int listen_on(const char *spec)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE };
	struct addrinfo *res = NULL;
	char host[256], port[8];
	int fd = -1, err;

	if (!split_address(spec, host, sizeof(host), port, sizeof(port)))
		return -1;
	err = getaddrinfo(*host ? host : NULL, port, &hints, &res);
	if (err) {
		errmsg("--listen %s: %s", spec, gai_strerror(err));
		return -1;
	}
	for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &(int){1}, sizeof(int));
		if (bind(fd, a->ai_addr, a->ai_addrlen) || listen(fd, 64)) {
			err = errno;
			close(fd);
			fd = -1;
			errno = err;
		}
	}
	if (fd < 0)
		errmsg("cannot listen on %s: %s", spec, strerror(errno));
	freeaddrinfo(res);
	return fd;
}

bool rt_serve_start(struct rt *rt)
{
	struct rt_serve *sv;
	int fd;

	if (!rt->opts->listen)
		return true;
	fd = listen_on(rt->opts->listen);
	if (fd < 0)
		return false;
	sv = xcalloc(1, sizeof(*sv));
	sv->rt = rt;
	sv->out = (struct out){ .f = NULL, .sema = rt->sema, .syms = bin_symcache_new(),
				.stack_fd = rt->out.stack_fd };
	sv->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, 0, NULL, NULL,
				 answer, sv,
				 MHD_OPTION_LISTEN_SOCKET, fd,
				 MHD_OPTION_CONNECTION_LIMIT, (unsigned int)MAX_CONNECTIONS,
				 MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)MAX_PER_IP,
				 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)IDLE_SECONDS,
				 MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)REQUEST_BYTES,
				 MHD_OPTION_END);
	if (!sv->d) {
		errmsg("cannot start the HTTP server on %s", rt->opts->listen);
		close(fd);
		bin_symcache_free(sv->out.syms);
		free(sv);
		return false;
	}
	rt->serve = sv;
	return true;
}

/* Closes every connection, whatever its client is doing, and joins the
 * server's thread: quick, since a scrape only reads maps. */
void rt_serve_stop(struct rt *rt)
{
	struct rt_serve *sv = rt->serve;

	if (!sv)
		return;
	MHD_stop_daemon(sv->d);
	bin_symcache_free(sv->out.syms);
	bin_close(sv->out.site_bin);
	free(sv);
	rt->serve = NULL;
}
