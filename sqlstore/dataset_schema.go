package sqlstore

import (
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/govdata/govdata"
)

// dsColumn is one physical column of a dataset table.
type dsColumn struct {
	col       int
	item      string
	typ       govdata.ItemType
	encrypted bool
	key       bool
	retired   bool
}

// value is the column of the item's value (sealed when encrypted);
// index the blind index of an encrypted one.
func (c dsColumn) value() string { return "c" + strconv.Itoa(c.col) }
func (c dsColumn) index() string { return "h" + strconv.Itoa(c.col) }

// keyColumn is what the key compares: the blind index of an encrypted
// key item, the value of a plain one.
func (c dsColumn) keyColumn() string {
	if c.encrypted {
		return c.index()
	}
	return c.value()
}

// context binds a sealed value and its blind index to the column.
func (c dsColumn) context(entry int64) []byte {
	return []byte("govdata/ds/" + strconv.FormatInt(entry, 10) + "/" + c.value())
}

// encrypted reports whether an item's values are sealed at rest: SEC-2,
// items at sensitivity 3 and 4.
func encryptedItem(it govdata.Item) bool { return it.Sensitivity >= 3 }

func dataTable(entry int64) string    { return "ds_" + strconv.FormatInt(entry, 10) }
func historyTable(entry int64) string { return dataTable(entry) + "_history" }
func stagingTable(entry, batch int64) string {
	return dataTable(entry) + "_b" + strconv.FormatInt(batch, 10)
}

// physical lists the table columns of cols after the fixed ones.
func physical(cols []dsColumn, d dialect) []string {
	var out []string
	for _, c := range cols {
		if c.encrypted {
			out = append(out, c.value()+" "+d.sealedType, c.index()+" "+d.sealedType)
		} else {
			out = append(out, c.value()+" "+d.textType)
		}
	}
	return out
}

// createDataTable is the DDL of a dataset table (or its staging copy):
// _row identifies a row version: the batch that wrote it (AGG-3) and the
// row's position in that batch, batch id << 32 | position.
func createDataTable(name string, cols []dsColumn, d dialect) string {
	return "CREATE TABLE " + name + " (" + strings.Join(append([]string{d.rowColumn}, physical(cols, d)...), ", ") + ")"
}

// createHistoryTable: earlier versions of rows, with the batch that
// replaced them and how (AGG-3: the history of changes is kept).
func createHistoryTable(entry int64, cols []dsColumn, d dialect) string {
	fixed := []string{"_row BIGINT NOT NULL", "_op TEXT NOT NULL", "_by BIGINT NOT NULL", "_at BIGINT NOT NULL"}
	return "CREATE TABLE " + historyTable(entry) + " (" + strings.Join(append(fixed, physical(cols, d)...), ", ") + ")"
}

// rowID is a row version's id: its batch and its position in it.
func rowID(batch, n int64) int64 { return batch<<32 | n }

// batchOf is the batch that wrote a row version.
func batchOf(row int64) int64 { return row >> 32 }

func loadColumns(q func(string, ...any) (*sql.Rows, error), entry int64) ([]dsColumn, error) {
	rows, err := q("SELECT col, item_name, item_type, encrypted, key_part, retired_version FROM dataset_columns WHERE entry_id = ? ORDER BY col", entry)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []dsColumn
	for rows.Next() {
		var c dsColumn
		var enc, key int
		var retired sql.NullInt64
		if err := rows.Scan(&c.col, &c.item, &c.typ, &enc, &key, &retired); err != nil {
			return nil, err
		}
		c.encrypted, c.key, c.retired = enc == 1, key == 1, retired.Valid
		out = append(out, c)
	}
	return out, rows.Err()
}

func activeColumns(cols []dsColumn) []dsColumn {
	return slices.DeleteFunc(slices.Clone(cols), func(c dsColumn) bool { return c.retired })
}

func keyColumns(cols []dsColumn) []dsColumn {
	return slices.DeleteFunc(activeColumns(cols), func(c dsColumn) bool { return !c.key })
}

func keyList(cols []dsColumn) string {
	var names []string
	for _, c := range keyColumns(cols) {
		names = append(names, c.keyColumn())
	}
	return strings.Join(names, ", ")
}

// syncDataset makes the dataset of a just-published version follow its
// items (AGG-1): the first publication creates it; a later version adds
// columns for new items, retires (keeps the values of) dropped ones,
// re-seals an item whose sensitivity crossed 3 either way, and rebuilds
// the key. No row is lost.
func (db *DB) syncDataset(tx *Tx, entry, dept int64, version int, in govdata.EntryInput) error {
	items := in.Items
	cols, err := loadColumns(tx.query, entry)
	if err != nil {
		return fmt.Errorf("sync dataset %d: %w", entry, err)
	}
	now := toDB(tx.Now())
	if err := syncTimeliness(tx, entry, in, len(cols) == 0); err != nil {
		return fmt.Errorf("sync dataset %d: %w", entry, err)
	}
	if len(cols) == 0 {
		for i, it := range items {
			cols = append(cols, dsColumn{col: i + 1, item: it.Name, typ: it.Type, encrypted: encryptedItem(it), key: it.Key})
		}
		stmts := []string{createDataTable(dataTable(entry), cols, db.dialect), createHistoryTable(entry, cols, db.dialect)}
		if db.dialect.rowKey != "" {
			stmts = append(stmts, fmt.Sprintf(db.dialect.rowKey, dataTable(entry)))
		}
		for _, s := range stmts {
			if _, err := tx.exec(s); err != nil {
				return fmt.Errorf("sync dataset %d: %w", entry, err)
			}
		}
		if _, err := tx.exec("INSERT INTO datasets (entry_id, department_id, entry_version, next_column, created_at) VALUES (?, ?, ?, ?, ?)",
			entry, dept, version, len(cols)+1, now); err != nil {
			return fmt.Errorf("sync dataset %d: %w", entry, err)
		}
		if err := syncTimeliness(tx, entry, in, false); err != nil {
			return fmt.Errorf("sync dataset %d: %w", entry, err)
		}
		for _, c := range cols {
			if err := insertColumn(tx, entry, c); err != nil {
				return err
			}
		}
		return db.rebuildKey(tx, entry, version, nil, cols)
	}
	var next int
	var keyIndex string
	if err := tx.queryRow("SELECT next_column, key_index FROM datasets WHERE entry_id = ?", entry).Scan(&next, &keyIndex); err != nil {
		return fmt.Errorf("sync dataset %d: %w", entry, err)
	}
	oldKey := keyList(cols)
	byName := map[string]int{}
	for i, c := range cols {
		if !c.retired {
			byName[c.item] = i
		}
	}
	kept := map[int]bool{}
	origin := cols[:len(cols):len(cols)]
	for _, it := range items {
		i, ok := byName[it.Name]
		if ok && cols[i].encrypted == encryptedItem(it) {
			// Same item: a new type or length needs no change of the
			// stored text; the checks of the next batch apply them.
			cols[i].typ, cols[i].key = it.Type, it.Key
			kept[i] = true
			if _, err := tx.exec("UPDATE dataset_columns SET item_type = ?, key_part = ? WHERE entry_id = ? AND col = ?",
				string(it.Type), boolInt(it.Key), entry, cols[i].col); err != nil {
				return fmt.Errorf("sync dataset %d: %w", entry, err)
			}
			continue
		}
		c := dsColumn{col: next, item: it.Name, typ: it.Type, encrypted: encryptedItem(it), key: it.Key}
		next++
		for _, table := range []string{dataTable(entry), historyTable(entry)} {
			for _, def := range physical([]dsColumn{c}, db.dialect) {
				if _, err := tx.exec("ALTER TABLE " + table + " ADD COLUMN " + def); err != nil {
					return fmt.Errorf("sync dataset %d: %w", entry, err)
				}
			}
		}
		if ok {
			// The sensitivity crossed 3: the values move to a column sealed
			// (or plain) as the new version says; the old column is emptied
			// so that no plaintext stays behind (SEC-2).
			if err := db.moveColumn(tx, entry, cols[i], c); err != nil {
				return err
			}
		}
		if err := insertColumn(tx, entry, c); err != nil {
			return err
		}
		cols = append(cols, c)
	}
	for i := range origin {
		if cols[i].retired || kept[i] {
			continue
		}
		// Dropped (or moved to a new column above): the values stay.
		cols[i].retired, cols[i].key = true, false
		if _, err := tx.exec("UPDATE dataset_columns SET retired_version = ?, key_part = 0 WHERE entry_id = ? AND col = ?", version, entry, cols[i].col); err != nil {
			return fmt.Errorf("sync dataset %d: %w", entry, err)
		}
	}
	if _, err := tx.exec("UPDATE datasets SET entry_version = ?, next_column = ? WHERE entry_id = ?", version, next, entry); err != nil {
		return fmt.Errorf("sync dataset %d: %w", entry, err)
	}
	if slices.ContainsFunc(cols, func(c dsColumn) bool { return c.encrypted && !c.retired }) {
		if err := db.sealLeftovers(tx, entry); err != nil {
			return err
		}
	}
	if keyList(cols) == oldKey {
		return nil
	}
	return db.rebuildKey(tx, entry, version, &keyIndex, cols)
}

// rebuildKey makes the unique index of the dataset's key. Rows already
// stored that repeat the new key make the publication fail: the version
// cannot promise a key its data breaks.
func (db *DB) rebuildKey(tx *Tx, entry int64, version int, old *string, cols []dsColumn) error {
	if old != nil && *old != "" {
		if _, err := tx.exec("DROP INDEX " + *old); err != nil {
			return fmt.Errorf("sync dataset %d: %w", entry, err)
		}
	}
	name := ""
	if keys := keyList(cols); keys != "" {
		name = fmt.Sprintf("%s_key_v%d", dataTable(entry), version)
		if _, err := tx.exec("CREATE UNIQUE INDEX " + name + " ON " + dataTable(entry) + " (" + keys + ")"); err != nil {
			if isUniqueViolation(err) {
				return govdata.Errorf(govdata.ECONFLICT, MsgKeyRepeated)
			}
			return fmt.Errorf("sync dataset %d: %w", entry, err)
		}
	}
	_, err := tx.exec("UPDATE datasets SET key_index = ? WHERE entry_id = ?", name, entry)
	return err
}

// MsgKeyRepeated: a new version's key is repeated by stored rows.
var MsgKeyRepeated = govdata.Msg{ZH: "已有数据中存在重复的主键值，不能按新版本的主键发布", EN: "stored rows repeat the new version's key; it cannot be published"}

func insertColumn(tx *Tx, entry int64, c dsColumn) error {
	_, err := tx.exec("INSERT INTO dataset_columns (entry_id, col, item_name, item_type, encrypted, key_part) VALUES (?, ?, ?, ?, ?, ?)",
		entry, c.col, c.item, string(c.typ), boolInt(c.encrypted), boolInt(c.key))
	if err != nil {
		return fmt.Errorf("sync dataset %d: column %d: %w", entry, c.col, err)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// moveColumn copies from's values into to, sealing or opening them, in
// the dataset and its history, and empties from.
func (db *DB) moveColumn(tx *Tx, entry int64, from, to dsColumn) error {
	keys := db.DataKeys()
	for _, table := range []string{dataTable(entry), historyTable(entry)} {
		rows, err := tx.query("SELECT _row, " + from.value() + " FROM " + table + " WHERE " + from.value() + " IS NOT NULL")
		if err != nil {
			return fmt.Errorf("sync dataset %d: %w", entry, err)
		}
		type pair struct {
			row int64
			v   []byte
		}
		var all []pair
		for rows.Next() {
			var p pair
			if err := rows.Scan(&p.row, &p.v); err != nil {
				rows.Close()
				return err
			}
			all = append(all, p)
		}
		rows.Close()
		if len(all) > 0 && keys == nil {
			return govdata.Errorf(govdata.ECONFLICT, govdata.MsgDataKeysNeeded)
		}
		for _, p := range all {
			var args []any
			set := to.value() + " = ?"
			if to.encrypted {
				args = append(args, keys.Seal(nil, p.v, to.context(entry)), keys.Index(nil, to.context(entry), string(p.v)))
				set += ", " + to.index() + " = ?"
			} else {
				plain, err := keys.Open(nil, p.v, from.context(entry))
				if err != nil {
					return fmt.Errorf("sync dataset %d: open row %d: %w", entry, p.row, err)
				}
				args = append(args, string(plain))
			}
			clear := from.value() + " = NULL"
			if from.encrypted {
				clear += ", " + from.index() + " = NULL"
			}
			if _, err := tx.exec("UPDATE "+table+" SET "+set+", "+clear+" WHERE _row = ?", append(args, p.row)...); err != nil {
				return fmt.Errorf("sync dataset %d: %w", entry, err)
			}
		}
	}
	return nil
}
