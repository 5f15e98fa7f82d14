import { graphql } from '../../gql';

export const SavedFilterFields = graphql(`
  fragment SavedFilterFields on SavedFilter {
    id
    name
    page
    state
    shared
    mine
    canDelete
  }
`);

export const SavedFiltersQuery = graphql(`
  query SavedFilters($tenantID: ID!, $page: SavedFilterPage!) {
    savedFilters(tenantID: $tenantID, page: $page) { ...SavedFilterFields }
  }
`);

export const CreateSavedFilterMutation = graphql(`
  mutation CreateSavedFilter($tenantID: ID!, $input: CreateSavedFilterInput!) {
    createSavedFilter(tenantID: $tenantID, input: $input) { ...SavedFilterFields }
  }
`);

export const UpdateSavedFilterMutation = graphql(`
  mutation UpdateSavedFilter($id: ID!, $input: UpdateSavedFilterInput!) {
    updateSavedFilter(id: $id, input: $input) { ...SavedFilterFields }
  }
`);

export const DeleteSavedFilterMutation = graphql(`
  mutation DeleteSavedFilter($id: ID!) {
    deleteSavedFilter(id: $id)
  }
`);
