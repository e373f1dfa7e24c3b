/**
 * Files in and out: upload.saveFilePart and upload.saveBigFilePart (the
 * rules are media-store.ts's), and upload.getFile, which reads a stored
 * photo or document back in pieces.
 *
 * getFile follows Telegram's documented limits: `offset` a multiple of
 * 4 KB, `limit` a multiple of 4 KB that divides 1 MB, and no piece may
 * cross a 1 MB boundary (OFFSET_INVALID, LIMIT_INVALID); with `precise`
 * both need only be multiples of 1 KB, limit at most 512 KB. A reference
 * that does not match the file answers FILE_REFERENCE_EXPIRED, an unknown
 * file FILE_ID_INVALID. Reading past the end answers no bytes. Thumbnails
 * are not modelled: thumb_size is ignored.
 */
import type { FakeMedia } from './model.ts';
import { fail, RpcFail } from './rpc-fail.ts';
import type { FakeServices, Router } from './router.ts';
import { Api, boolBytes } from './tl-io.ts';

const MB = 1024 * 1024;

function checkPiece(offset: number, limit: number, precise: boolean): void {
  if (precise) {
    if (offset % 1024 !== 0) fail(400, 'OFFSET_INVALID');
    if (limit <= 0 || limit % 1024 !== 0 || limit > 512 * 1024) fail(400, 'LIMIT_INVALID');
  } else {
    if (offset % 4096 !== 0) fail(400, 'OFFSET_INVALID');
    if (limit <= 0 || limit % 4096 !== 0 || MB % limit !== 0) fail(400, 'LIMIT_INVALID');
  }
  if (Math.floor(offset / MB) !== Math.floor((offset + limit - 1) / MB)) fail(400, 'LIMIT_INVALID');
}

export function registerUploadMethods(router: Router, services: FakeServices): void {
  const { world } = services;

  router.on(Api.upload.SaveFilePart, { login: true }, (request, call) => {
    world.files.savePart(call.userId, request.fileId.toString(), request.filePart, request.bytes, null);
    return boolBytes(true);
  });

  router.on(Api.upload.SaveBigFilePart, { login: true }, (request, call) => {
    world.files.savePart(call.userId, request.fileId.toString(), request.filePart, request.bytes, request.fileTotalParts);
    return boolBytes(true);
  });

  router.on(Api.upload.GetFile, { login: true }, (request) => {
    const location = request.location;
    let kind: FakeMedia['kind'];
    if (location instanceof Api.InputPhotoFileLocation) kind = 'photo';
    else if (location instanceof Api.InputDocumentFileLocation) kind = 'document';
    else fail(400, 'LOCATION_INVALID');
    const offset = Number(request.offset.toString());
    checkPiece(offset, request.limit, request.precise === true);
    let media: FakeMedia;
    try {
      media = world.files.find(kind, location.id.toString(), location.accessHash.toString(), location.fileReference);
    } catch (error) {
      if (error instanceof RpcFail && error.errorMessage === 'MEDIA_EMPTY') fail(400, 'FILE_ID_INVALID');
      throw error;
    }
    return new Api.upload.File({
      type: new Api.storage.FileUnknown(), mtime: media.date, bytes: media.data.subarray(offset, offset + request.limit),
    });
  });
}
