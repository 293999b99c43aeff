/* The ceiling for bench/http.sh: a bare libmicrohttpd server that answers "hello" to every request, with the
 * internal thread pool, one thread per core, as Passerelle's HTTPServer, but with epoll, the library's fastest mode
 * (Passerelle uses poll: see docs/PERFORMANCE.md, « 256 learners »).
 * Build: cc -O2 -o hello bench/hello.c $(pkg-config --cflags --libs libmicrohttpd)
 * Run:   ./hello PORT   (loopback only; stops on SIGINT/SIGTERM) */
#include <microhttpd.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct MHD_Response *hello;

static enum MHD_Result answer(void *cls, struct MHD_Connection *connection, const char *url, const char *method,
                              const char *version, const char *upload_data, size_t *upload_data_size, void **state) {
    (void)cls; (void)url; (void)method; (void)version; (void)upload_data; (void)upload_data_size;
    if (*state == NULL) { *state = (void *)1; return MHD_YES; }  /* headers first, as HTTPServer does */
    return MHD_queue_response(connection, MHD_HTTP_OK, hello);
}

static volatile sig_atomic_t stopping = 0;
static void stop(int signal) { (void)signal; stopping = 1; }

int main(int argc, char **argv) {
    int port = argc > 1 ? atoi(argv[1]) : 8090;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons((uint16_t)port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    static const char body[] = "hello";
    hello = MHD_create_response_from_buffer(sizeof body - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(hello, "Content-Type", "text/plain; charset=utf-8");
    struct MHD_Daemon *daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC, 0, NULL, NULL, answer, NULL,
        MHD_OPTION_SOCK_ADDR, &address, MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)(cores > 0 ? cores : 1),
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)1000, MHD_OPTION_END);
    if (daemon == NULL) { fprintf(stderr, "hello: cannot listen on 127.0.0.1:%d\n", port); return 1; }
    printf("http://127.0.0.1:%d\n", port);
    fflush(stdout);
    signal(SIGINT, stop);
    signal(SIGTERM, stop);
    while (!stopping) pause();
    MHD_stop_daemon(daemon);
    MHD_destroy_response(hello);
    return 0;
}
