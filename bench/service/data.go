package main

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/govdata/govdata"
)

// The benchmark's entry: a social-insurance register of a city, with an
// ID number (sealed, sensitivity 4, the key), a name (sealed, 3), the
// region each row belongs to and a few plain items. govdata and the
// baseline serve the same rows, generated the same way from their
// position, so that a row can be asked for by its ID on both.

// benchItems are the entry's items, in their order.
var benchItems = []govdata.Item{
	{Name: "公民身份号码", Type: govdata.ItemChar, Length: 18, Sensitivity: 4, Personal: true, Key: true,
		Rules: &govdata.Rules{Required: true, Format: govdata.FormatCitizenID}},
	{Name: "姓名", Type: govdata.ItemChar, Length: 50, Sensitivity: 3, Personal: true, Rules: &govdata.Rules{Required: true}},
	{Name: "行政区划代码", Type: govdata.ItemChar, Length: 6, Sensitivity: 1, Region: true, Rules: &govdata.Rules{Format: govdata.FormatRegionCode}},
	{Name: "性别", Type: govdata.ItemChar, Length: 1, Sensitivity: 2, Rules: &govdata.Rules{Enum: []string{"男", "女"}}},
	{Name: "出生日期", Type: govdata.ItemDate, Sensitivity: 2},
	{Name: "参保状态", Type: govdata.ItemChar, Length: 10, Sensitivity: 1, Rules: &govdata.Rules{Enum: insuranceStates}},
	{Name: "缴费基数", Type: govdata.ItemNumber, Length: 10, Sensitivity: 1},
	{Name: "参保日期", Type: govdata.ItemDate, Sensitivity: 1},
}

// idItem is the item the equality filter asks for.
const idItem = "公民身份号码"

var (
	// districts of 福州市 (350100), the region item's values.
	districts       = []string{"350102", "350103", "350104", "350105", "350111", "350112", "350121", "350122"}
	surnames        = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾")
	givenChars      = []rune("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志文玉红晓云海波")
	insuranceStates = []string{"正常参保", "暂停缴费", "终止参保"}
	birthStart      = time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)
	insuredStart    = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
)

// GB 11643: the weights and check characters of an ID number.
var (
	idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	idChecks  = "10X98765432"
)

// birthDays is the span of birth dates; 7919 is prime and does not divide
// it, so row i/1000 → day is one-to-one below it, and with the sequence
// number i%1000 every ID up to 21.9 million rows is distinct.
const birthDays = 21900

// scramble mixes a row's position into the choices of its values.
func scramble(i int) uint64 {
	z := uint64(i)*0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// birthOf is row i's date of birth.
func birthOf(i int) time.Time {
	return birthStart.AddDate(0, 0, (i/1000)*7919%birthDays)
}

// idOf is row i's ID number: a district, the date of birth, a sequence
// number whose parity is the sex, and the check character.
func idOf(i int) string {
	h := scramble(i)
	b := []byte(districts[h%uint64(len(districts))] + birthOf(i).Format("20060102") + fmt.Sprintf("%03d", i%1000))
	sum := 0
	for k := range 17 {
		sum += int(b[k]-'0') * idWeights[k]
	}
	return string(append(b, idChecks[sum%11]))
}

// rowOf is row i's values, in the order of benchItems.
func rowOf(i int) []string {
	h := scramble(i)
	id := idOf(i)
	name := []rune{surnames[h%uint64(len(surnames))], givenChars[(h>>8)%uint64(len(givenChars))]}
	if (h>>16)%3 != 0 {
		name = append(name, givenChars[(h>>24)%uint64(len(givenChars))])
	}
	sex := "女"
	if i%2 == 1 {
		sex = "男"
	}
	return []string{
		id,
		string(name),
		id[:6],
		sex,
		birthOf(i).Format(time.DateOnly),
		insuranceStates[(h>>32)%uint64(len(insuranceStates))],
		strconv.Itoa(3000 + int((h>>40)%27000)),
		insuredStart.AddDate(0, 0, int((h>>48)%8000)).Format(time.DateOnly),
	}
}

// itemNames are the names of benchItems.
func itemNames() []string {
	names := make([]string, len(benchItems))
	for i, it := range benchItems {
		names[i] = it.Name
	}
	return names
}

// writeCSV writes the rows as the CSV file an officer would upload: a
// header of the item names, then one line per row.
func writeCSV(path string, rows int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	w := csv.NewWriter(bw)
	if err := w.Write(itemNames()); err != nil {
		f.Close()
		return err
	}
	for i := range rows {
		if err := w.Write(rowOf(i)); err != nil {
			f.Close()
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
