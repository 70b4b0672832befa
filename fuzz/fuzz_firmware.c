/* libFuzzer harness: a hostile firmware package (src/firmware/package.c),
 * as an upload or a slot file hands it to the camera: parsed, its hash and
 * signature checked with the built-in key, and its manifest put to the
 * install rules.
 *
 * Checks beyond "no crash, no UB": a parse either fills the package with
 * views inside the input whose lengths add up to the input's, or refuses
 * with a known code and a sentence; the install rules are applied to any
 * manifest that parsed (the signature seldom holds on a mutated input, and
 * the rules are worth fuzzing on their own). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/firmware_version.h"
#include "firmware/keys.h"
#include "firmware/package.h"

static void check_reason(const tc_fw_reason *r, int rc)
{
    if ((rc == 0) != (r->code == TC_FW_OK) || r->code >= TC_FW_REFUSAL_COUNT ||
        strnlen(r->text, sizeof(r->text)) == sizeof(r->text) || r->text[0] == 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tc_fw_package p;
    tc_fw_reason r;
    int rc = tc_fw_parse(data, size, &p, &r);
    check_reason(&r, rc);
    if (rc != 0)
        return 0;
    /* The views lie inside the input and account for all of it. */
    if (p.program != data + TC_FW_HEADER_LEN + TC_FW_MANIFEST_LEN ||
        p.program_len != p.manifest.program_len || p.program_len == 0 ||
        p.program_len > TC_FW_PROGRAM_MAX || p.signature != data + p.signed_len ||
        p.signed_len + TC_FW_SIGNATURE_LEN != size)
        abort();
    rc = tc_fw_check_integrity(&p, tc_fw_builtin_public_key, &r);
    check_reason(&r, rc);
    static const tc_fw_target targets[] = {
        { TC_TWIN_MODEL_NAME, TC_FIRMWARE_VERSION, TC_FIRMWARE_FLOOR },
        { TC_TWIN_MODEL_NAME, "3.25.0", "3.22.0" },
        { "IMX412C-12MP-twin", "999999999.999999999.999999999", NULL },
    };
    for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
        rc = tc_fw_check_target(&p.manifest, &targets[i], &r);
        check_reason(&r, rc);
    }
    return 0;
}
