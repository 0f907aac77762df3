#ifndef CCURL_H
#define CCURL_H

/* Typed, non-variadic wrappers over libcurl's easy API.
 *
 * Swift cannot call C variadic functions, and curl_easy_setopt/curl_easy_getinfo are variadic.
 * Each wrapper fixes the type of the third argument, so the Swift side picks the wrapper that
 * matches the option's documented type. Only MailroomSMTP imports this module. */

#include <curl/curl.h>

typedef size_t (*ccurl_read_callback)(char *buffer, size_t size, size_t nitems, void *userdata);
typedef int (*ccurl_debug_callback)(CURL *handle, curl_infotype type, char *data, size_t size,
                                    void *userdata);
typedef int (*ccurl_sockopt_callback)(void *userdata, curl_socket_t socket, curlsocktype purpose);

/* curl_global_init(CURL_GLOBAL_ALL): the flags are a macro expression Swift does not import. */
CURLcode ccurl_global_init_all(void);

CURLcode ccurl_easy_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode ccurl_easy_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode ccurl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode ccurl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
CURLcode ccurl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode ccurl_easy_setopt_read_function(CURL *handle, ccurl_read_callback callback);
CURLcode ccurl_easy_setopt_debug_function(CURL *handle, ccurl_debug_callback callback);
CURLcode ccurl_easy_setopt_sockopt_function(CURL *handle, ccurl_sockopt_callback callback);

CURLcode ccurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode ccurl_easy_getinfo_double(CURL *handle, CURLINFO info, double *value);

/* CURL_READFUNC_ABORT as a typed constant. */
size_t ccurl_read_abort(void);

#endif
