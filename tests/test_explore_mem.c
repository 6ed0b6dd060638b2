/* sim/explore/engine/explore_mem.c: a memory checker's report is read for its
 * first error's kind, function (not an allocator's) and place, with no
 * address or pid; the signature is memory@KIND:FUNCTION; the sample of
 * runs depends on (seed, run) alone. */
#include <stdint.h>
#include <string.h>

#include "explore_mem.h"
#include "explore_sig.h"
#include "testutil.h"

static const char valgrind_read[] =
    "==14435== Thread 3:\n"
    "==14435== Invalid read of size 1\n"
    "==14435==    at 0x146DF8: get_le (hist.c:78)\n"
    "==14435==    by 0x146DF8: wm_hist_next (hist.c:150)\n"
    "==14435==  Address 0x4a59fe0 is 0 bytes after a block of size 544 alloc'd\n"
    "==14435==    at 0x48417B4: malloc (in /usr/libexec/valgrind/vgpreload_memcheck.so)\n";

static const char valgrind_leak[] =
    "==77== 24 bytes in 1 blocks are definitely lost in loss record 1 of 2\n"
    "==77==    at 0x48417B4: malloc (in /usr/libexec/valgrind/vgpreload_memcheck.so)\n"
    "==77==    by 0x1424B5: wm_malloc (alloc.c:57)\n"
    "==77==    by 0x11B0A4: wm_events_run (drv_events.c:273)\n";

static const char asan[] =
    "=================================================================\n"
    "==9==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x6020 at pc 0x55 bp 0x7f\n"
    "READ of size 1 at 0x602000000011 thread T0\n"
    "    #0 0x55d in get_le /src/proto/hist.c:78:19\n"
    "    #1 0x55e in wm_hist_next /src/proto/hist.c:150:5\n";

START_TEST(report_first_error_named)
{
    static const struct {
        const char *report, *want;
    } t[] = {
        {valgrind_read, "InvalidRead in get_le (hist.c:78): Invalid read of size 1"},
        {valgrind_leak, "Leak_DefinitelyLost in wm_events_run (drv_events.c:273): 24 bytes in "
                        "1 blocks are definitely lost"},
        {asan, "heap-buffer-overflow in get_le (hist.c:78:19): AddressSanitizer: "
               "heap-buffer-overflow"},
    };
    char msg[WM_INV_MSG_MAX];
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        ck_assert_int_eq(wm_xmem_parse(t[i].report, strlen(t[i].report), msg, sizeof msg), 1);
        ck_assert_str_eq(msg, t[i].want);
        ck_assert_ptr_null(strstr(msg, "0x"));
    }
    ck_assert_int_eq(wm_xmem_parse("warmer 0.9.0\n", 13, msg, sizeof msg), 0);
}
END_TEST

START_TEST(signature_is_kind_and_function)
{
    struct wm_outcome o = {.failed = 1};
    char sig[WM_XSIG_MAX];
    o.v.kind = "memory";
    snprintf(o.v.msg, sizeof o.v.msg, "InvalidRead in get_le (hist.c:78): Invalid read of size 1");
    ck_assert_int_eq(wm_xmem_is(&o), 1);
    wm_xsig_of(&o, sig, sizeof sig);
    ck_assert_str_eq(sig, "memory@InvalidRead:get_le");
    snprintf(o.v.msg, sizeof o.v.msg, "exit-1: under the memory checker the run exited ...");
    wm_xsig_of(&o, sig, sizeof sig);
    ck_assert_str_eq(sig, "memory@exit-1");
}
END_TEST

START_TEST(sample_depends_on_seed_and_run)
{
    struct wm_xmem a = {.every = 4, .seed = 1}, b = a, off = a;
    unsigned in = 0, differ = 0;
    b.seed = 2;
    off.every = 0;
    for (uint64_t k = 0; k < 4000; k++) {
        in += (unsigned)wm_xmem_sampled(&a, k);
        differ += wm_xmem_sampled(&a, k) != wm_xmem_sampled(&b, k);
        ck_assert_int_eq(wm_xmem_sampled(&off, k), 0);
    }
    ck_assert_uint_ge(in, 900); /* one in four, roughly */
    ck_assert_uint_le(in, 1100);
    ck_assert_uint_gt(differ, 0);
    a.every = 1;
    ck_assert_int_eq(wm_xmem_sampled(&a, 7), 1);
}
END_TEST

static Suite *explore_mem_suite(void)
{
    Suite *s = suite_create("explore_mem");
    WM_ADD_TEST(s, report_first_error_named);
    WM_ADD_TEST(s, signature_is_kind_and_function);
    WM_ADD_TEST(s, sample_depends_on_seed_and_run);
    return s;
}

WM_TEST_MAIN(explore_mem_suite)
