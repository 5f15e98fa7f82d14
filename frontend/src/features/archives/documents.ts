import { graphql } from '../../gql';

export const ArchivesQuery = graphql(`
  query Archives($tenantID: ID!, $first: Int, $offset: Int, $filter: String) {
    archives(tenantID: $tenantID, first: $first, offset: $offset, filter: $filter) {
      totalCount
      edges {
        node {
          id name format from to filter entryCount sizeBytes sha256 createdAt downloadURL manifestURL
          createdBy { type id name email }
          process { id status }
        }
      }
    }
  }
`);

export const CreateArchiveMutation = graphql(`
  mutation CreateArchive($tenantID: ID!, $input: CreateArchiveInput!) {
    createArchive(tenantID: $tenantID, input: $input) { id status kind }
  }
`);

export const DeleteArchiveMutation = graphql(`
  mutation DeleteArchive($id: ID!) { deleteArchive(id: $id) }
`);
