/**
 * Built by test/main/shell/main-bundle-assets.test.ts with Forge's main-target Vite config and run from the build
 * folder: the modules of main that open files at run time must find them there, as they will in the package.
 */
import { validateAgainstSchema } from '../../../src/main/interop/validate';
import { fhirDefinitionsFolder, validateForSend, warmFhirDefinitions } from '../../../src/main/sync/fhir-validate';

const SCHEMA = `<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="n" type="xs:integer"/></xs:schema>`;

async function main(): Promise<void> {
  await warmFhirDefinitions();
  const schema = { entry: { fileName: 'n.xsd', contents: SCHEMA }, preload: [] };
  const result = {
    definitionsFolder: fhirDefinitionsFolder(),
    validPatient: validateForSend({ resourceType: 'Patient', id: 'p1', gender: 'female' }).valid,
    impossibleBirthDate: validateForSend({ resourceType: 'Patient', id: 'p1', birthDate: '1990-13-45' }).valid,
    schemaProblemsOfValid: (await validateAgainstSchema('<n>7</n>', schema)).length,
    schemaProblemsOfInvalid: (await validateAgainstSchema('<n>seven</n>', schema)).length,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
