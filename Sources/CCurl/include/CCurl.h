#ifndef CCURL_H
#define CCURL_H
/* Placeholder until the transport lands: typed wrappers over libcurl's variadic API. */
#endif
