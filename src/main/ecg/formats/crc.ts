/**
 * CRC-16/CCITT as SCP-ECG (EN 1064 §5.2.1) defines it: polynomial x^16 + x^12 + x^5 + 1 (0x1021), initial value
 * 0xFFFF, bits processed most significant first, no final XOR (the "CCITT-FALSE" parameter set).
 */
const POLYNOMIAL = 0x1021;

const TABLE: Uint16Array = (() => {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ POLYNOMIAL) & 0xffff : (crc << 1) & 0xffff;
    table[byte] = crc;
  }
  return table;
})();

export function crcCcitt(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ bytes[i]) & 0xff];
  return crc;
}
