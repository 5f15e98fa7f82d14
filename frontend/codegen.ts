import type { CodegenConfig } from '@graphql-codegen/cli';

// Run from the repository root (npm run codegen): the schema is the server's.
const config: CodegenConfig = {
  schema: ['graph/ent.graphqls', 'graph/schema/*.graphqls'],
  documents: ['frontend/src/**/*.{ts,tsx}', '!frontend/src/gql/**/*'],
  ignoreNoDocuments: true,
  generates: {
    'frontend/src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
        scalars: {
          Time: 'string',
          Cursor: 'string',
          JSON: 'unknown',
          Map: 'Record<string, unknown>',
        },
      },
    },
  },
};

export default config;
