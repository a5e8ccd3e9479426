// Typed wrappers around libcurl's variadic curl_easy_setopt and curl_easy_getinfo, which Swift
// cannot call directly; and one certificate store shared by every TLS connection of a process.
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

// An OpenSSL X509_STORE of the authorities in `bundle_file` and `directory` (either may be NULL),
// or NULL when neither gave a certificate. Freed with nv_trust_store_free.
void *nv_trust_store_load(const char *bundle_file, const char *directory);
void nv_trust_store_free(void *store);
// libcurl's built-in CA bundle and directory (what it reads when nothing is set), or NULL.
const char *nv_curl_default_ca_bundle(void);
const char *nv_curl_default_ca_directory(void);
// Makes the handle's TLS connections verify peers against `store` (one reference per
// connection) instead of reading a CA bundle of their own.
CURLcode nv_curl_use_trust_store(CURL *handle, void *store);

#endif
