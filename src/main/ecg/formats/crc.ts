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

/** TABLE_2[x]: the CRC register after x's byte and then one zero byte, so two bytes take two independent look-ups. */
const TABLE_2: Uint16Array = TABLE.map((value) => ((value << 8) & 0xffff) ^ TABLE[value >> 8]);

/**
 * Two bytes per step ("slicing by 2"): the register's high byte meets the first byte through TABLE_2, its low byte
 * the second through TABLE, and the two look-ups do not wait for each other (the per-byte loop is a chain of
 * dependent look-ups; every SCP byte is checked twice, by its section's CRC and the record's).
 */
export function crcCcitt(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  let i = start;
  for (const pairsEnd = end - ((end - start) & 1); i < pairsEnd; i += 2) {
    crc = TABLE_2[((crc >> 8) ^ bytes[i]) & 0xff] ^ TABLE[((crc & 0xff) ^ bytes[i + 1]) & 0xff];
  }
  if (i < end) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ bytes[i]) & 0xff];
  return crc;
}
