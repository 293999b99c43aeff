#ifndef PASSERELLE_CCMARK_SHIM_H
#define PASSERELLE_CCMARK_SHIM_H
#include <stdlib.h>
#include <cmark.h>

/* Markdown to HTML in safe mode: raw HTML and dangerous URLs (javascript:, data: except images) are dropped.
   Smart punctuation is off: French text keeps its own quotes and apostrophes. The caller frees the result. */
static inline char *passerelle_markdown_to_html(const char *text, size_t length)
{
    return cmark_markdown_to_html(text, length, CMARK_OPT_SAFE);
}
#endif
