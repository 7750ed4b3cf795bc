/**
 * Entry point of ECG acquisition for the rest of main: build a driver from a saved device setting, list the serial
 * ports for the device picker. Drivers deliver EcgSampleBlocks (src/shared/ecg-stream.ts).
 */
import { SerialPort } from 'serialport';
import type { EcgRecord } from '../../../shared/ecg';
import type { EcgDeviceDriver } from './driver';
import { SerialDriver } from './serial-driver';
import { SimulatorDriver } from './simulator-driver';

export { EcgDeviceRegistry, type EcgDeviceDriver, type EcgDeviceKind, type EcgDeviceSummary } from './driver';
export { EcgFolderWatcher, type FolderImportError, type FolderWatcherOptions } from './folder-watcher';
export { SerialDriver } from './serial-driver';
export { SimulatorDriver } from './simulator-driver';

/** A device as the settings page stores it. */
export type EcgDeviceConfig =
  | { kind: 'simulator'; id?: string; label?: string; /** Replay this file instead of the synthetic ECG. */ file?: string }
  | { kind: 'serial'; id?: string; label?: string; path: string; baudRate?: number };

/** Builds (does not start) a driver; a replay file is read now, so a bad file fails here with its EcgFormatError. */
export async function createEcgDriver(config: EcgDeviceConfig, reader?: (path: string) => Promise<EcgRecord>): Promise<EcgDeviceDriver> {
  if (config.kind === 'serial') {
    return new SerialDriver({ path: config.path, baudRate: config.baudRate, id: config.id, label: config.label });
  }
  const naming = { ...(config.id ? { id: config.id } : {}), ...(config.label ? { label: config.label } : {}) };
  if (config.file) return SimulatorDriver.fromFile(config.file, { ...naming, reader });
  return new SimulatorDriver(naming);
}

export interface SerialPortChoice {
  path: string;
  /** "manufacturer (vendorId:productId)" when the OS knows, for the picker. */
  description?: string;
}

/** The serial ports the OS reports (USB-serial adapters, CDC-ACM carts); an enumeration failure is an empty list. */
export async function listSerialPorts(): Promise<SerialPortChoice[]> {
  try {
    const ports = await SerialPort.list();
    return ports.map((port) => {
      const ids = port.vendorId && port.productId ? `${port.vendorId}:${port.productId}` : undefined;
      const description = [port.manufacturer, ids && `(${ids})`].filter(Boolean).join(' ');
      return { path: port.path, ...(description ? { description } : {}) };
    });
  } catch {
    return [];
  }
}
