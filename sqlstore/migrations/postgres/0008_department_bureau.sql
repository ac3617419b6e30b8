-- +goose Up
-- CAT-3, CAT-4: the data bureau (政务数据主管部门) of a region reviews the
-- catalog of its level and supervises its deadlines; one per region.
ALTER TABLE departments ADD COLUMN bureau BOOLEAN NOT NULL DEFAULT FALSE;
CREATE UNIQUE INDEX departments_bureau ON departments (region_code) WHERE bureau;

-- +goose Down
DROP INDEX departments_bureau;
ALTER TABLE departments DROP COLUMN bureau;
