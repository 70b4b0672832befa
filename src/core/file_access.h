/* SFNC File Access Control in the device core (file_access.c): the files a
 * GenICam client reads and writes through FileSelector,
 * FileOperationSelector, FileOpenMode, FileAccessOffset, FileAccessLength,
 * FileAccessBuffer and FileOperationExecute, as GenApi's
 * FileProtocolAdapter drives them (docs/file_access.md).
 *
 * Files (FileSelector; the entry values are these indices):
 *   UserSet1, UserSet2  read/write: the state-file text of the set
 *                       (user_set_file.h); a written set is stored on Close
 *   DeviceLog           read: the process's recent log lines (util/log.h)
 *   DeviceFirmware      write: staged, handed to the firmware sink on Close
 *                       (firmware_sink.h)
 *
 * The features live in the one table, so every port serves them. The
 * selectors, offset and length are plain stored values (written as any
 * feature is, all or nothing); what an operation does and its outcome are
 * here, outside the value store: FileOperationExecute always completes (so
 * a refused operation never rolls anything back) and reports Success or
 * Failure, the bytes moved and a reason, per file and operation. */
#ifndef TC_CORE_FILE_ACCESS_H
#define TC_CORE_FILE_ACCESS_H

#include <stddef.h>
#include <stdint.h>

#include "core/device.h"
#include "core/firmware_sink.h"

/* FileSelector entries: the user sets (1.. of user_sets.c), then the rest. */
#define TC_FILE_DEVICE_LOG (TC_USER_SETS - 1)
#define TC_FILE_DEVICE_FIRMWARE (TC_USER_SETS)
#define TC_FILES (TC_USER_SETS + 1)

/* FileOperationSelector, FileOpenMode and FileOperationStatus entries. */
enum { TC_FILE_OPEN, TC_FILE_CLOSE, TC_FILE_READ, TC_FILE_WRITE, TC_FILE_DELETE, TC_FILE_OPS };
enum { TC_FILE_MODE_READ, TC_FILE_MODE_WRITE, TC_FILE_MODE_READ_WRITE };
enum { TC_FILE_SUCCESS, TC_FILE_FAILURE };

/* FileAccessBuffer's size: what one Read or Write moves. 4 KiB keeps a
 * GigE Vision transfer at 8 WRITEMEMs per operation (Aravis writes a
 * Register node whole), and GenApi's adapter rounds a write up to 4 bytes,
 * which a multiple of 4 always takes. */
#define TC_FILE_BUFFER_LEN 4096u
/* TwinFileOperationReason's capacity. */
#define TC_FILE_REASON_LEN 128u

struct tc_files;

/* The file-access state of a device: created with it, NULL without
 * memory. Reset is power-up (DeviceReset): open files closed and their
 * staged bytes dropped, the buffer zeroed, every status Success; the
 * firmware sink stays registered. */
struct tc_files *tc_files_new(void);
void tc_files_free(struct tc_files *fs);
void tc_files_reset(struct tc_files *fs);

/* Register the firmware sink (NULL: none; Close of DeviceFirmware then
 * fails, saying so). Caller holds d->lock. */
void tc_files_set_firmware_sink(tc_device *d, tc_firmware_sink sink, void *ctx);

/* Feature handlers (named by feature_table.c). */
int tc_cmd_file_operation_execute(tc_device *d, const tc_feature *f, unsigned idx, tc_value v);
int tc_get_file_operation_status(tc_device *d, const tc_feature *f, unsigned idx, tc_value *v);
int tc_get_file_operation_result(tc_device *d, const tc_feature *f, unsigned idx, tc_value *v);
int tc_get_file_size(tc_device *d, const tc_feature *f, unsigned idx, tc_value *v);
int tc_get_file_operation_reason(tc_device *d, const tc_feature *f, char *buf, size_t len);
uint8_t *tc_file_access_buffer(tc_device *d, const tc_feature *f);

#endif
