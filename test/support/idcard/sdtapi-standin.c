/*
 * Stand-in for a desk reader's sdtapi library (the SDT_* C API of the second-generation ID card readers), built by
 * the tests with `cc -shared -fPIC`. It exposes the same entry points and return codes and fills the same buffers:
 * 256 bytes of fixed-width UCS-2LE card text and 1024 bytes of photo.
 *
 * The port number picks the behaviour, so one library serves every case:
 *   1001 a card is on the reader          1002 no card on the reader
 *   1003 no reader on that port           1004 the library crashes (abort) while reading
 *   1005 the library hangs while reading  1006 the card text is garbage
 * The card's fields come from IDCARD_STANDIN_* environment variables when set (so a test can choose them),
 * else a fixed test resident.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SDT_SUCCESS 0x90
#define SDT_FOUND 0x9f
#define SDT_NO_CARD 0x80
#define SDT_PORT_ERROR 0x01

static int opened_port = -1;

static void put_field(unsigned char *buf, int *at, const char *utf8, int width) {
  /* UTF-8 to UCS-2LE for the BMP (all a card carries), padded with spaces. */
  int units = 0;
  const unsigned char *s = (const unsigned char *)utf8;
  while (*s && units < width / 2) {
    unsigned int cp;
    if (s[0] < 0x80) { cp = s[0]; s += 1; }
    else if ((s[0] & 0xe0) == 0xc0) { cp = ((s[0] & 0x1f) << 6) | (s[1] & 0x3f); s += 2; }
    else { cp = ((s[0] & 0x0f) << 12) | ((s[1] & 0x3f) << 6) | (s[2] & 0x3f); s += 3; }
    buf[*at + units * 2] = cp & 0xff;
    buf[*at + units * 2 + 1] = (cp >> 8) & 0xff;
    units++;
  }
  for (; units < width / 2; units++) {
    buf[*at + units * 2] = ' ';
    buf[*at + units * 2 + 1] = 0;
  }
  *at += width;
}

static const char *field(const char *env, const char *fallback) {
  const char *v = getenv(env);
  return v && *v ? v : fallback;
}

int SDT_OpenPort(int port) {
  if (port < 1001 || port > 1006) return SDT_PORT_ERROR;
  if (port == 1003) return SDT_PORT_ERROR;
  opened_port = port;
  return SDT_SUCCESS;
}

int SDT_ClosePort(int port) {
  if (port != opened_port) return SDT_PORT_ERROR;
  opened_port = -1;
  return SDT_SUCCESS;
}

int SDT_StartFindIDCard(int port, unsigned char *manage, int if_open) {
  (void)if_open;
  if (port != opened_port) return SDT_PORT_ERROR;
  if (manage) memset(manage, 0, 4);
  return port == 1002 ? SDT_NO_CARD : SDT_FOUND;
}

int SDT_SelectIDCard(int port, unsigned char *manage, int if_open) {
  (void)if_open;
  if (port != opened_port) return SDT_PORT_ERROR;
  if (manage) memset(manage, 0, 8);
  return SDT_SUCCESS;
}

int SDT_ReadBaseMsg(int port, unsigned char *text, unsigned int *text_len, unsigned char *photo, unsigned int *photo_len, int if_open) {
  (void)if_open;
  if (port != opened_port) return SDT_PORT_ERROR;
  if (port == 1004) abort();
  if (port == 1005) for (;;) sleep(60);
  int at = 0;
  memset(text, 0, 256);
  if (port == 1006) {
    memset(text, 0xff, 256);
  } else {
    put_field(text, &at, field("IDCARD_STANDIN_NAME", "张卡测"), 30);
    put_field(text, &at, field("IDCARD_STANDIN_SEX", "2"), 2);
    put_field(text, &at, field("IDCARD_STANDIN_ETHNIC", "01"), 4);
    put_field(text, &at, field("IDCARD_STANDIN_BIRTH", "19650312"), 16);
    put_field(text, &at, field("IDCARD_STANDIN_ADDRESS", "河北省保定市清苑区东闾乡东闾村12号"), 70);
    put_field(text, &at, field("IDCARD_STANDIN_ID", "130608196503120021"), 36);
    put_field(text, &at, field("IDCARD_STANDIN_AUTHORITY", "清苑县公安局"), 30);
    put_field(text, &at, field("IDCARD_STANDIN_FROM", "20150601"), 16);
    put_field(text, &at, field("IDCARD_STANDIN_TO", "20350601"), 16);
  }
  *text_len = 256;
  /* A WLT photo is 1024 opaque bytes; "WLf" then a counting pattern stands in for it. */
  photo[0] = 'W'; photo[1] = 'L'; photo[2] = 'f';
  for (int i = 3; i < 1024; i++) photo[i] = (unsigned char)(i * 7);
  *photo_len = 1024;
  return SDT_SUCCESS;
}
