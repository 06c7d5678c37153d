/* SPDX-License-Identifier: ISC */
/*
 * Timers embedded in their owners, kept in a binary min-heap by due time:
 * arming, cancelling and finding the earliest are O(log n) or O(1), so
 * 10,000 bindings cost nothing while they wait.  The heap grows only in
 * sip_heap_reserve(), so arming never fails.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "sip/sip_int.h"

int
sip_heap_reserve(struct sip_heap *h, size_t extra)
{
	struct sip_tmr **v;
	size_t cap;

	h->reserved += extra;
	if (h->reserved <= h->cap)
		return 0;
	cap = h->cap ? h->cap : 64;
	while (cap < h->reserved)
		cap *= 2;
	if ((v = realloc(h->v, cap * sizeof(*v))) == NULL) {
		h->reserved -= extra;
		return -ENOMEM;
	}
	h->v = v;
	h->cap = cap;
	return 0;
}

void
sip_heap_release(struct sip_heap *h, size_t n)
{
	h->reserved = h->reserved > n ? h->reserved - n : 0;
}

static void
place(struct sip_heap *h, size_t i, struct sip_tmr *t)
{
	h->v[i] = t;
	t->slot = i + 1;
}

static void
sift_up(struct sip_heap *h, size_t i)
{
	struct sip_tmr *t = h->v[i];

	while (i > 0) {
		size_t p = (i - 1) / 2;

		if (h->v[p]->due <= t->due)
			break;
		place(h, i, h->v[p]);
		i = p;
	}
	place(h, i, t);
}

static void
sift_down(struct sip_heap *h, size_t i)
{
	struct sip_tmr *t = h->v[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->v[c + 1]->due < h->v[c]->due)
			c++;
		if (t->due <= h->v[c]->due)
			break;
		place(h, i, h->v[c]);
		i = c;
	}
	place(h, i, t);
}

void
sip_heap_cancel(struct sip_heap *h, struct sip_tmr *t)
{
	size_t i;
	struct sip_tmr *last;

	if (t->slot == 0)
		return;
	i = t->slot - 1;
	t->slot = 0;
	last = h->v[--h->n];
	if (i == h->n)
		return;
	place(h, i, last);
	if (i > 0 && h->v[(i - 1) / 2]->due > last->due)
		sift_up(h, i);
	else
		sift_down(h, i);
}

void
sip_heap_arm(struct sip_heap *h, struct sip_tmr *t, uint64_t due)
{
	if (t->slot != 0)
		sip_heap_cancel(h, t);
	if (h->n == h->cap) { /* a reserve was missed: grow, or give up */
		size_t r = h->reserved;

		if (sip_heap_reserve(h, h->cap + 1 - r) != 0)
			abort();
		h->reserved = r;
	}
	t->due = due;
	h->v[h->n] = t;
	t->slot = ++h->n;
	sift_up(h, h->n - 1);
}

struct sip_tmr *
sip_heap_top(const struct sip_heap *h)
{
	return h->n > 0 ? h->v[0] : NULL;
}

void
sip_heap_free(struct sip_heap *h)
{
	free(h->v);
	h->v = NULL;
	h->n = h->cap = h->reserved = 0;
}
