/*
 * The transport floor: what libcurl 7.88.1 alone costs per message, with the options Mailroom sets
 * (Sources/MailroomSMTP/CurlSMTPConnection+Handle.swift: VERBOSE with a debug callback, which is
 * how Mailroom reads every reply; NOSIGNAL, keep-alive, timeouts) and one easy handle per
 * connection, reused. No events, templates or outbox: one pre-built message sent COUNT times.
 * It shows how close to smtp-source any libcurl-based sender can get on this machine.
 *
 *   libcurl_send MESSAGE_FILE COUNT CONNECTIONS smtp://127.0.0.1:PORT
 *
 * The message file is sent as it is (CRLF line ends expected). Exits 1 on the first failure.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *message;
static size_t message_length;
static const char *url;

struct reader { size_t position; };

static size_t read_message(char *buffer, size_t size, size_t count, void *userdata) {
    struct reader *reader = userdata;
    size_t room = size * count, left = message_length - reader->position;
    size_t n = left < room ? left : room;
    memcpy(buffer, message + reader->position, n);
    reader->position += n;
    return n;
}

/* Mailroom's callback looks at the reply lines; this one only touches them. */
static int debug_callback(CURL *handle, curl_infotype type, char *data, size_t size, void *userdata) {
    (void)handle;
    if (type == CURLINFO_HEADER_IN && size > 0) *(volatile char *)userdata = data[0];
    return 0;
}

static void *sender(void *argument) {
    long count = (long)argument;
    CURL *handle = curl_easy_init();
    struct curl_slist *recipients = curl_slist_append(NULL, "<floor@example.com>");
    struct reader reader;
    char sink, error[CURL_ERROR_SIZE];
    if (!handle || !recipients) { fprintf(stderr, "libcurl_send: setup failed\n"); exit(1); }
    curl_easy_setopt(handle, CURLOPT_URL, url);
    curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(handle, CURLOPT_VERBOSE, 1L);
    curl_easy_setopt(handle, CURLOPT_DEBUGFUNCTION, debug_callback);
    curl_easy_setopt(handle, CURLOPT_DEBUGDATA, &sink);
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl_easy_setopt(handle, CURLOPT_SERVER_RESPONSE_TIMEOUT, 60L);
    curl_easy_setopt(handle, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(handle, CURLOPT_READFUNCTION, read_message);
    curl_easy_setopt(handle, CURLOPT_READDATA, &reader);
    curl_easy_setopt(handle, CURLOPT_INFILESIZE_LARGE, (curl_off_t)message_length);
    for (long i = 0; i < count; i++) {
        reader.position = 0;
        error[0] = 0;
        curl_easy_setopt(handle, CURLOPT_MAIL_FROM, "<floor-sender@example.com>");
        curl_easy_setopt(handle, CURLOPT_MAIL_RCPT, recipients);
        CURLcode code = curl_easy_perform(handle);
        if (code != CURLE_OK) {
            fprintf(stderr, "libcurl_send: message %ld: %s (%s)\n", i, curl_easy_strerror(code), error);
            exit(1);
        }
    }
    curl_slist_free_all(recipients);
    curl_easy_cleanup(handle);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 5) { fprintf(stderr, "usage: libcurl_send MESSAGE_FILE COUNT CONNECTIONS URL\n"); return 64; }
    FILE *file = fopen(argv[1], "rb");
    if (!file) { perror(argv[1]); return 66; }
    fseek(file, 0, SEEK_END);
    message_length = (size_t)ftell(file);
    rewind(file);
    message = malloc(message_length);
    if (!message || fread(message, 1, message_length, file) != message_length) { perror("read"); return 74; }
    fclose(file);
    long count = atol(argv[2]), connections = atol(argv[3]);
    url = argv[4];
    if (count < 1 || connections < 1) { fprintf(stderr, "libcurl_send: COUNT and CONNECTIONS must be >= 1\n"); return 64; }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    pthread_t threads[connections];
    for (long c = 0; c < connections; c++) {
        long share = count / connections + (c < count % connections ? 1 : 0);
        pthread_create(&threads[c], NULL, sender, (void *)share);
    }
    for (long c = 0; c < connections; c++) pthread_join(threads[c], NULL);
    curl_global_cleanup();
    return 0;
}
