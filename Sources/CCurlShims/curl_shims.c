#include "curl_shims.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

CURLcode nv_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode nv_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode nv_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode nv_curl_setopt_write_callback(CURL *handle, nv_curl_data_callback callback, void *context) {
    CURLcode code = curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback);
    if (code != CURLE_OK) return code;
    return curl_easy_setopt(handle, CURLOPT_WRITEDATA, context);
}

CURLcode nv_curl_setopt_header_callback(CURL *handle, nv_curl_data_callback callback, void *context) {
    CURLcode code = curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, callback);
    if (code != CURLE_OK) return code;
    return curl_easy_setopt(handle, CURLOPT_HEADERDATA, context);
}

long nv_curl_response_code(CURL *handle) {
    long code = 0;
    if (curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &code) != CURLE_OK) return 0;
    return code;
}

void *nv_trust_store_load(const char *bundle_file, const char *directory) {
    X509_STORE *store = X509_STORE_new();
    if (store == NULL) return NULL;
    int loaded = 0;
    if (bundle_file != NULL && X509_STORE_load_file(store, bundle_file) == 1) loaded = 1;
    if (directory != NULL && X509_STORE_load_path(store, directory) == 1) loaded = 1;
    ERR_clear_error();  // a missing file or folder is the caller's answer (NULL), not a queued error
    if (!loaded) {
        X509_STORE_free(store);
        return NULL;
    }
    return store;
}

void nv_trust_store_free(void *store) {
    X509_STORE_free((X509_STORE *)store);
}

const char *nv_curl_default_ca_bundle(void) {
    const curl_version_info_data *info = curl_version_info(CURLVERSION_NOW);
    return info->age >= CURLVERSION_NINTH ? info->cainfo : NULL;
}

const char *nv_curl_default_ca_directory(void) {
    const curl_version_info_data *info = curl_version_info(CURLVERSION_NOW);
    return info->age >= CURLVERSION_NINTH ? info->capath : NULL;
}

// Called by libcurl for each new TLS connection, after it set up the connection's SSL_CTX.
static CURLcode use_trust_store(CURL *handle, void *ssl_context, void *store) {
    (void)handle;
    SSL_CTX_set1_cert_store((SSL_CTX *)ssl_context, (X509_STORE *)store);
    return CURLE_OK;
}

CURLcode nv_curl_use_trust_store(CURL *handle, void *store) {
    // No bundle of the connection's own: libcurl would parse the whole file into every one.
    CURLcode code = curl_easy_setopt(handle, CURLOPT_CAINFO, (char *)NULL);
    if (code == CURLE_OK) code = curl_easy_setopt(handle, CURLOPT_CAPATH, (char *)NULL);
    if (code == CURLE_OK) code = curl_easy_setopt(handle, CURLOPT_SSL_CTX_FUNCTION, use_trust_store);
    if (code == CURLE_OK) code = curl_easy_setopt(handle, CURLOPT_SSL_CTX_DATA, store);
    return code;
}
