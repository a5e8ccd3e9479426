// Typed wrappers around libcurl's variadic curl_easy_setopt and curl_easy_getinfo, which Swift
// cannot call directly.
#ifndef NEXUS_CURL_SHIMS_H
#define NEXUS_CURL_SHIMS_H

#include <curl/curl.h>
#include <stddef.h>

CURLcode nv_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode nv_curl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode nv_curl_setopt_pointer(CURL *handle, CURLoption option, void *value);
typedef size_t (*nv_curl_data_callback)(char *data, size_t size, size_t count, void *context);
CURLcode nv_curl_setopt_write_callback(CURL *handle, nv_curl_data_callback callback, void *context);
CURLcode nv_curl_setopt_header_callback(CURL *handle, nv_curl_data_callback callback, void *context);
long nv_curl_response_code(CURL *handle);

#endif
