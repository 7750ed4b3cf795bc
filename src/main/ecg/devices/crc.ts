/**
 * The two checksums of the ECG serial frame (docs/ecg-serial-protocol.md), table-driven, over a byte range.
 * Parameters follow the CRC catalogue names so a device firmware author can pick a matching library routine.
 */

/** CRC-16/CCITT-FALSE (a.k.a. CRC-16/IBM-3740): poly 0x1021, init 0xFFFF, not reflected, xorout 0. Check "123456789" = 0x29B1. */
const CRC16_TABLE = buildCrc16Table(0x1021);

/** CRC-32/ISO-HDLC (zlib, Ethernet): reflected poly 0xEDB88320, init and xorout 0xFFFFFFFF. Check "123456789" = 0xCBF43926. */
const CRC32_TABLE = buildCrc32Table(0xedb88320);

function buildCrc16Table(poly: number): Uint16Array {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ poly : crc << 1;
    table[byte] = crc & 0xffff;
  }
  return table;
}

function buildCrc32Table(reflectedPoly: number): Uint32Array {
  const table = new Uint32Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ reflectedPoly : crc >>> 1;
    table[byte] = crc >>> 0;
  }
  return table;
}

export function crc16CcittFalse(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) crc = ((crc << 8) ^ CRC16_TABLE[((crc >>> 8) ^ bytes[i]) & 0xff]) & 0xffff;
  return crc;
}

export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ CRC32_TABLE[(crc ^ bytes[i]) & 0xff];
  return (crc ^ 0xffffffff) >>> 0;
}
