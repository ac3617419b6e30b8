-- +goose Up
-- PRODUCT.md §5: a list page over 100,000 entries shows its first page
-- within 1 s. A listing without a query reads the newest entries, counts
-- them and counts each facet's values; with the columns that decide who
-- sees an entry (published, the department, the region, the status) and
-- the facets' columns in the index, all of it is read from the index
-- alone, not from the wide rows that carry the search text.
DROP INDEX catalog_search_updated;
DROP INDEX catalog_search_department;
CREATE INDEX catalog_search_updated ON catalog_search (updated_at, entry_id, published, department_id, status, region_code,
    class_code, share_type, open_type, grade, format, update_cycle);
CREATE INDEX catalog_search_department ON catalog_search (department_id, updated_at, entry_id, published, status, region_code,
    class_code, share_type, open_type, grade, format, update_cycle);

-- +goose Down
DROP INDEX catalog_search_department;
DROP INDEX catalog_search_updated;
CREATE INDEX catalog_search_department ON catalog_search (department_id);
CREATE INDEX catalog_search_updated ON catalog_search (updated_at, entry_id);
