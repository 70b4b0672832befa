/* The functions of the standard that do not apply to this camera: it sends
 * single-part images with no chunk data, one flow, no composite buffers.
 * They exist so a consumer that looks them up finds them, and say so. */
#include "gentl/gentl_int.h"

static GC_ERROR not_implemented(const char *what)
{
    GC_ERROR rc = gt_enter();
    if (rc)
        return rc;
    return gt_leave(gt_err(GC_ERR_NOT_IMPLEMENTED, "%s: not implemented (single-part images, no chunks)", what));
}

GC_API DSGetBufferChunkData(DS_HANDLE hDataStream, BUFFER_HANDLE hBuffer, SINGLE_CHUNK_DATA *pChunkData,
                            size_t *piNumChunks)
{
    (void)hDataStream, (void)hBuffer, (void)pChunkData, (void)piNumChunks;
    return not_implemented("DSGetBufferChunkData");
}

GC_API DSGetNumBufferParts(DS_HANDLE hDataStream, BUFFER_HANDLE hBuffer, uint32_t *piNumParts)
{
    (void)hDataStream, (void)hBuffer, (void)piNumParts;
    return not_implemented("DSGetNumBufferParts");
}

GC_API DSGetBufferPartInfo(DS_HANDLE hDataStream, BUFFER_HANDLE hBuffer, uint32_t iPartIndex,
                           BUFFER_PART_INFO_CMD iInfoCmd, INFO_DATATYPE *piType, void *pBuffer,
                           size_t *piSize)
{
    (void)hDataStream, (void)hBuffer, (void)iPartIndex, (void)iInfoCmd, (void)piType, (void)pBuffer,
        (void)piSize;
    return not_implemented("DSGetBufferPartInfo");
}

GC_API DSAnnounceCompositeBuffer(DS_HANDLE hDataStream, size_t iNumSegments, void **ppSegments,
                                 size_t *piSizes, void *pPrivate, BUFFER_HANDLE *phBuffer)
{
    (void)hDataStream, (void)iNumSegments, (void)ppSegments, (void)piSizes, (void)pPrivate, (void)phBuffer;
    return not_implemented("DSAnnounceCompositeBuffer");
}

GC_API DSGetBufferPartInfoStacked(DS_HANDLE hDataStream, BUFFER_HANDLE hBuffer,
                                  DS_BUFFER_PART_INFO_STACKED *pInfoStacked, size_t iNumInfos)
{
    (void)hDataStream, (void)hBuffer, (void)pInfoStacked, (void)iNumInfos;
    return not_implemented("DSGetBufferPartInfoStacked");
}

GC_API DSGetNumFlows(DS_HANDLE hDataStream, uint32_t *piNumFlows)
{
    (void)hDataStream, (void)piNumFlows;
    return not_implemented("DSGetNumFlows");
}

GC_API DSGetFlowInfo(DS_HANDLE hDataStream, uint32_t iFlowIndex, FLOW_INFO_CMD iInfoCmd,
                     INFO_DATATYPE *piType, void *pBuffer, size_t *piSize)
{
    (void)hDataStream, (void)iFlowIndex, (void)iInfoCmd, (void)piType, (void)pBuffer, (void)piSize;
    return not_implemented("DSGetFlowInfo");
}

GC_API DSGetNumBufferSegments(DS_HANDLE hDataStream, BUFFER_HANDLE hBuffer, uint32_t *piNumSegments)
{
    (void)hDataStream, (void)hBuffer, (void)piNumSegments;
    return not_implemented("DSGetNumBufferSegments");
}

GC_API DSGetBufferSegmentInfo(DS_HANDLE hDataStream, BUFFER_HANDLE hBuffer, uint32_t iSegmentIndex,
                              SEGMENT_INFO_CMD iInfoCmd, INFO_DATATYPE *piType, void *pBuffer,
                              size_t *piSize)
{
    (void)hDataStream, (void)hBuffer, (void)iSegmentIndex, (void)iInfoCmd, (void)piType, (void)pBuffer,
        (void)piSize;
    return not_implemented("DSGetBufferSegmentInfo");
}
