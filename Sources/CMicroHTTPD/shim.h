#ifndef PASSERELLE_CMICROHTTPD_SHIM_H
#define PASSERELLE_CMICROHTTPD_SHIM_H
/*
 * libmicrohttpd for Swift. Variadic C functions are not imported into Swift, so the
 * calls that need them are wrapped here in small static inline functions.
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <microhttpd.h>

/* Called with the raw request target (path and query, not yet decoded) before libmicrohttpd parses it;
 * its result becomes the request's `*con_cls`. */
typedef void *(*passerelle_uri_log_callback)(void *cls, const char *uri, struct MHD_Connection *connection);

/* Starts a daemon with an internal epoll thread pool bound to `addr`. */
static inline struct MHD_Daemon *passerelle_mhd_start(
    const struct sockaddr *addr,
    int ipv6,
    MHD_AccessHandlerCallback handler,
    void *handler_cls,
    MHD_RequestCompletedCallback completed,
    passerelle_uri_log_callback uri_log,
    MHD_NotifyConnectionCallback notify_connection,
    unsigned int thread_pool_size,
    size_t connection_memory_limit,
    unsigned int connection_limit,
    unsigned int per_ip_connection_limit,
    unsigned int connection_timeout_seconds,
    const char *tls_key_pem,
    const char *tls_cert_pem)
{
    /* poll(), not epoll: with epoll and a thread pool, a worker sometimes stopped being woken for connections
       that had requests waiting (a learner signing in again on a new connection under load); they waited
       until the 30 s timeout closed them, and the other worker served alone. poll() is level-triggered:
       in 11 runs of 256 learners, no error (docs/PERFORMANCE.md, « 256 learners »). */
    /* MHD_ALLOW_SUSPEND_RESUME: a response that takes long to make (a password hash) is made off the worker
       threads while its connection is suspended (HTTPResponse.deferred). */
    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME;
    if (ipv6) flags |= MHD_USE_IPv6;
    if (tls_key_pem != NULL && tls_cert_pem != NULL) {
        /* HTTPS (GnuTLS): the key and certificate are PEM text held by the caller while the daemon runs. */
        return MHD_start_daemon(flags | MHD_USE_TLS, 0, NULL, NULL, handler, handler_cls,
            MHD_OPTION_HTTPS_MEM_KEY, tls_key_pem,
            MHD_OPTION_HTTPS_MEM_CERT, tls_cert_pem,
            MHD_OPTION_SOCK_ADDR, addr,
            MHD_OPTION_NOTIFY_COMPLETED, completed, handler_cls,
            MHD_OPTION_URI_LOG_CALLBACK, uri_log, handler_cls,
            MHD_OPTION_NOTIFY_CONNECTION, notify_connection, handler_cls,
            MHD_OPTION_THREAD_POOL_SIZE, thread_pool_size,
            MHD_OPTION_CONNECTION_MEMORY_LIMIT, connection_memory_limit,
            MHD_OPTION_CONNECTION_LIMIT, connection_limit,
            MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip_connection_limit,
            MHD_OPTION_CONNECTION_TIMEOUT, connection_timeout_seconds,
            MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned int)0,
            MHD_OPTION_END);
    }
    return MHD_start_daemon(flags, 0, NULL, NULL, handler, handler_cls,
        MHD_OPTION_SOCK_ADDR, addr,
        MHD_OPTION_NOTIFY_COMPLETED, completed, handler_cls,
        MHD_OPTION_URI_LOG_CALLBACK, uri_log, handler_cls,
        MHD_OPTION_NOTIFY_CONNECTION, notify_connection, handler_cls,
        MHD_OPTION_THREAD_POOL_SIZE, thread_pool_size,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, connection_memory_limit,
        MHD_OPTION_CONNECTION_LIMIT, connection_limit,
        /* 0 means no per-address limit. */
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip_connection_limit,
        MHD_OPTION_CONNECTION_TIMEOUT, connection_timeout_seconds,
        /* Never share the port with another process (no SO_REUSEPORT). */
        MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned int)0,
        MHD_OPTION_END);
}

/* 1 for a new connection, 0 for a closed one. */
static inline int passerelle_mhd_connection_started(enum MHD_ConnectionNotificationCode code)
{
    return code == MHD_CONNECTION_NOTIFY_STARTED;
}

/* The connection's socket, or -1. */
static inline int passerelle_mhd_connection_fd(struct MHD_Connection *connection)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    return info ? (int)info->connect_fd : -1;
}

/*
 * Hides the query string of the request target given to the URI log callback from libmicrohttpd's own
 * argument parser, which runs right after that callback: HTTPServer parses the query itself.
 * Returns 1 if the query was hidden, 0 if not (no query, or a libmicrohttpd this was not checked with).
 *
 * Why: libmicrohttpd 0.9.75 stores one record per argument in the connection's memory pool and, when the
 * pool runs out (1,000 short arguments, or a few in a long query), ignores the failure: it neither answers
 * nor closes, and the client waits for the idle timeout. In 0.9.75 (connection.c,
 * parse_initial_message_line) `uri` points into the connection's writable read buffer, the position of the
 * first '?' is found before the callback, and the arguments are then parsed as a 0-terminated string
 * starting just after it: ending that string at once leaves no argument to parse. The path before '?'
 * is left intact (libmicrohttpd still percent-decodes it).
 */
static inline int passerelle_mhd_hide_query(const char *uri)
{
#if MHD_VERSION >= 0x00097500 && MHD_VERSION < 0x00097600
    char *mark = strchr((char *)uri, '?');
    if (mark == NULL) return 0;
    mark[1] = '\0';
    return 1;
#else
    (void)uri;
    return 0;
#endif
}

/* The port the daemon is listening on (useful after binding port 0); 0 if unknown. */
static inline uint16_t passerelle_mhd_bound_port(struct MHD_Daemon *daemon)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : 0;
}

/* Writes the peer's numeric address into `buffer`; returns 0 on success. */
static inline int passerelle_mhd_peer_address(struct MHD_Connection *connection, char *buffer, size_t size)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == NULL || info->client_addr == NULL || size == 0) return -1;
    const struct sockaddr *sa = info->client_addr;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in4 = (const struct sockaddr_in *)sa;
        return inet_ntop(AF_INET, &in4->sin_addr, buffer, (socklen_t)size) ? 0 : -1;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        return inet_ntop(AF_INET6, &in6->sin6_addr, buffer, (socklen_t)size) ? 0 : -1;
    }
    return -1;
}

/* Builds a socket address from a numeric host; returns the address family or -1. */
static inline int passerelle_make_sockaddr(const char *host, uint16_t port,
                                           struct sockaddr_storage *storage)
{
    memset(storage, 0, sizeof(*storage));
    struct sockaddr_in *in4 = (struct sockaddr_in *)storage;
    if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons(port);
        return AF_INET;
    }
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)storage;
    if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        return AF_INET6;
    }
    return -1;
}

/* A response holding its own copy of `size` bytes. */
static inline struct MHD_Response *passerelle_mhd_response_copy(size_t size, const void *bytes)
{
    return MHD_create_response_from_buffer(size, (void *)bytes, MHD_RESPMEM_MUST_COPY);
}

static inline enum MHD_Result passerelle_mhd_yes(void) { return MHD_YES; }
static inline enum MHD_Result passerelle_mhd_no(void) { return MHD_NO; }
#endif
