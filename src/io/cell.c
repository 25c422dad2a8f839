/* Cell parsing (see cell.h). */
#include "io/cell.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void ck__cell_trim(const char **s, size_t *len)
{
    while (*len > 0 && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*len)--;
    }
    while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
}

bool ck__cell_is_missing(const char *s, size_t len)
{
    static const char *const tokens[] = { "NA", "NaN", "null", "?" };
    if (len == 0)
        return true;
    for (size_t i = 0; i < sizeof tokens / sizeof *tokens; i++)
        if (strlen(tokens[i]) == len && memcmp(tokens[i], s, len) == 0)
            return true;
    return false;
}

bool ck__cell_parse_number(double *out, const char *s, size_t len)
{
    char tmp[64];
    if (len == 0 || len >= sizeof tmp)
        return false;
    /* strtod also reads hex, "inf" and "nan"; a data cell holding those is not a number */
    for (size_t i = 0; i < len; i++)
        if (strchr("0123456789+-.eE", s[i]) == NULL)
            return false;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    char *end;
    errno = 0;
    double v = strtod(tmp, &end);
    if (end != tmp + len || errno == ERANGE || !isfinite(v))
        return false;
    *out = v;
    return true;
}

static bool equals_word(const char *s, size_t len, const char *word);

bool ck__cell_spells_number(const char *s, size_t len)
{
    size_t i = 0;
    if (len > 0 && (s[0] == '+' || s[0] == '-'))
        i++;
    if (equals_word(s + i, len - i, "inf") || equals_word(s + i, len - i, "infinity") ||
        equals_word(s + i, len - i, "nan"))
        return true;
    size_t digits = 0;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
        digits++;
    if (i < len && s[i] == '.')
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
            digits++;
    if (digits == 0)
        return false;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t first = i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == first)
            return false;
    }
    return i == len;
}

static bool equals_word(const char *s, size_t len, const char *word)
{
    if (strlen(word) != len)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
        if (c != word[i])
            return false;
    }
    return true;
}

int ck__cell_parse_flag(const char *s, size_t len)
{
    static const char *const words[] = { "1", "true", "yes", "0", "false", "no" };
    for (size_t k = 0; k < sizeof words / sizeof *words; k++)
        if (equals_word(s, len, words[k]))
            return k < 3;
    double v;
    if (ck__cell_parse_number(&v, s, len) && (v == 0.0 || v == 1.0))
        return v == 1.0;
    return -1;
}
