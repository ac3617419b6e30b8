package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/govdata/govdata"
)

// This file is compiled only by `go test`: it gives the search benchmark a
// fast way to fill the catalog with many published entries.

// Vocabulary of generated entries: a district, a topic and a kind make a
// name; topics make the summary; items come from a list of common columns.
var (
	fillDistricts = []string{"道里区", "南岗区", "道外区", "平房区", "松北区", "香坊区", "呼兰区", "阿城区", "双城区", "依兰县",
		"方正县", "宾县", "巴彦县", "木兰县", "通河县", "延寿县", "尚志市", "五常市", "全市", "全省"}
	fillTopics = []string{"人口", "户籍", "社会保险", "医疗保险", "城镇职工基本养老保险", "失业保险", "住房公积金", "不动产登记", "企业注册",
		"个体工商户", "税务登记", "纳税信用", "机动车", "驾驶人", "交通违法", "出入境", "婚姻登记", "殡葬服务", "最低生活保障", "残疾人",
		"学籍", "招生考试", "医疗机构", "执业医师", "药品经营", "食品经营许可", "环境监测", "水质监测", "空气质量", "气象观测",
		"应急物资", "安全生产", "特种设备", "建筑施工许可", "房屋租赁", "城市管理", "公交线路", "停车场", "供水", "供电",
		"燃气", "公共资源交易", "政府采购", "财政预算", "审计结果", "统计年鉴", "就业登记", "人才引进", "职称评审", "社会组织",
		"慈善捐赠", "文物保护", "旅游景区", "体育场馆", "农业补贴", "农机购置", "林业资源", "水利工程", "渔业捕捞", "社保缴费"}
	fillKinds = []string{"信息", "登记信息", "基本信息", "许可信息", "统计数据", "明细", "台账", "名录", "记录", "清单"}
	fillItems = []string{"姓名", "公民身份号码", "性别", "出生日期", "民族", "住址", "联系电话", "统一社会信用代码", "企业名称", "法定代表人",
		"注册资本", "成立日期", "经营范围", "登记机关", "许可证号", "有效期", "发证日期", "号牌号码", "车辆类型", "所有人",
		"缴费基数", "参保险种", "参保日期", "单位名称", "统计年度", "金额", "项目名称", "行政区划代码", "监测点位", "监测值",
		"证书编号", "学校名称", "年级", "科室", "执业范围", "检查日期", "检查结果", "处罚决定书文号", "案件编号", "备注"}
)

// FillCatalogForTest inserts n published entries spread over depts, each
// with a generated Chinese name, summary and 5–12 items, as the catalog
// and its search index would hold them. Test-only.
func (s *CatalogService) FillCatalogForTest(ctx context.Context, n int, depts []*govdata.Department) error {
	const perWrite = 2000
	pg := s.db.Engine() == "postgres"
	for start := 0; start < n; start += perWrite {
		err := s.db.write(ctx, func(tx *Tx) error {
			var entries, versions, search [][]any
			now := toDB(tx.Now())
			for i := start; i < min(n, start+perWrite); i++ {
				id := int64(i + 1)
				x := mix(uint64(i))
				dept := depts[int(x%uint64(len(depts)))]
				topic := fillTopics[int(x>>8)%len(fillTopics)]
				name := fillDistricts[int(x>>16)%len(fillDistricts)] + topic + fillKinds[int(x>>24)%len(fillKinds)]
				summary := fmt.Sprintf("记录%s与%s相关的%s，按%s更新，供各部门依职责共享使用。", topic,
					fillTopics[int(x>>32)%len(fillTopics)], fillKinds[int(x>>40)%len(fillKinds)], "月")
				in := govdata.EntryInput{Name: name, Summary: summary, Format: "数据库", UpdateCycle: govdata.UpdateCycles[int(x>>44)%8],
					Classification: govdata.Classification{Category: fmt.Sprint(1 + x%3), Subcategory: "01", Group: fmt.Sprintf("%03d", x%50)},
					ShareType:      govdata.ShareUnconditional, OpenType: []govdata.OpenType{govdata.OpenUnconditional, govdata.OpenConditional, govdata.OpenNone}[x%3],
					OpenConditions: "注册用户申请", Grade: govdata.GradeGeneral}
				var names []string
				for j := range 5 + int(x>>48)%8 {
					item := fillItems[(int(x>>52)+j*7)%len(fillItems)]
					if !containsString(names, item) {
						names = append(names, item)
						in.Items = append(in.Items, govdata.Item{Name: item, Type: govdata.ItemChar, Length: 50, Sensitivity: 1})
					}
				}
				raw, err := json.Marshal(in)
				if err != nil {
					return err
				}
				code := govdata.ResourceCode(in.Classification, dept.CreditCode, 100000+id)
				entries = append(entries, []any{id, code, dept.ID, dept.RegionCode, string(dept.Level), "published", 1, 1, now, now, now})
				versions = append(versions, []any{id, 1, "published", string(raw), "fill", now, "fill", now})
				items := strings.Join(names, "\n")
				row := []any{id, dept.ID, dept.RegionCode, true, in.OpenType != govdata.OpenNone, "published", name, in.Classification.Code(),
					string(in.ShareType), string(in.OpenType), string(in.Grade), in.Format, string(in.UpdateCycle), now - int64(i)}
				if pg {
					row = append(row, tsVector(name, items, summary), tsVector(name))
				} else {
					row = append(row, searchDoc(name), searchDoc(summary), searchDoc(items),
						searchPairsDoc(name), searchPairsDoc(summary), searchPairsDoc(items), id, searchTags(searchRow{department: dept.ID, region: dept.RegionCode, published: true,
							open: in.OpenType != govdata.OpenNone, status: govdata.EntryPublished, class: in.Classification.Code(),
							share: in.ShareType, openType: in.OpenType, grade: in.Grade, format: in.Format, cycle: in.UpdateCycle}))
				}
				search = append(search, row)
			}
			if err := tx.insertRows("catalog_entries", []string{"id", "resource_code", "department_id", "region_code", "level", "status",
				"version", "published_version", "published_at", "created_at", "updated_at"}, entries); err != nil {
				return err
			}
			if err := tx.insertRows("catalog_versions", []string{"entry_id", "version", "status", "content", "created_by", "created_at",
				"approved_by", "approved_at"}, versions); err != nil {
				return err
			}
			cols := []string{"entry_id", "department_id", "region_code", "published", "open", "status", "name", "class_code", "share_type",
				"open_type", "grade", "format", "update_cycle", "updated_at"}
			if pg {
				cols = append(cols, "doc", "name_tsv")
			} else {
				cols = append(cols, "name_doc", "summary_doc", "items_doc", "name_bi", "summary_bi", "items_bi", "rev", "tags")
			}
			return tx.insertRows("catalog_search", cols, search)
		})
		if err != nil {
			return err
		}
	}
	if pg {
		// Identity columns do not move when ids are given; later creates must not collide.
		err := s.db.write(ctx, func(tx *Tx) error {
			_, err := tx.exec("SELECT setval(pg_get_serial_sequence('catalog_entries', 'id'), (SELECT MAX(id) FROM catalog_entries))")
			return err
		})
		if err != nil {
			return err
		}
		// A deployment's catalog is vacuumed and analysed by autovacuum long
		// before it is searched; a benchmark right after a bulk fill would
		// otherwise race autovacuum.
		for _, table := range []string{"catalog_search", "catalog_entries", "catalog_versions"} {
			if _, err := s.db.writer.ExecContext(ctx, "VACUUM ANALYZE "+table); err != nil {
				return err
			}
		}
	}
	return nil
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
