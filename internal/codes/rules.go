package codes

// Rules is the editable data behind the validators. It is JSON-serialisable so that
// the storage layer can keep versions of it in the rules table; DefaultRules seeds
// the first version from the standards' texts.
type Rules struct {
	Version       string `json:"version"`
	EffectiveFrom string `json:"effective_from"` // YYYY-MM-DD
	// Provinces maps the 2-digit GB/T 2260 province code to its name.
	Provinces map[string]string `json:"provinces"`
	// TownshipKinds are the GB/T 10114 ranges of the 3-digit township code.
	TownshipKinds []TownshipKindRange `json:"township_kinds"`
	// USCCAuthorities are GB 32100-2015 Annex A: registration authority → its type codes.
	USCCAuthorities map[string]USCCAuthority `json:"uscc_authorities"`
	// CompoundSurnames (复姓) keep two characters visible when a name is masked.
	CompoundSurnames []string `json:"compound_surnames"`
}

// TownshipKindRange names the kind of township whose code lies in [From, To].
type TownshipKindRange struct {
	From int    `json:"from"`
	To   int    `json:"to"`
	Kind string `json:"kind"` // 街道, 镇, 乡, 政企合一
}

// USCCAuthority is one registration-management department (登记管理部门) of GB 32100.
type USCCAuthority struct {
	Name  string            `json:"name"`
	Types map[string]string `json:"types"` // 机构类别代码 → name
}

// DefaultRules returns a fresh copy of the seeded rules (callers may mutate it).
func DefaultRules() *Rules {
	return &Rules{
		Version:       "seed-1",
		EffectiveFrom: "2016-01-01",
		// GB/T 2260 province-level codes (34 divisions; 71 台湾, 81 香港, 82 澳门 included
		// because the standard lists them and ID numbers use them).
		Provinces: map[string]string{
			"11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
			"21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
			"31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
			"41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区", "46": "海南省",
			"50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
			"61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区", "65": "新疆维吾尔自治区",
			"71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
		},
		// case-management.md §5.1 (GB/T 10114).
		TownshipKinds: []TownshipKindRange{
			{From: 1, To: 99, Kind: "街道"},
			{From: 100, To: 199, Kind: "镇"},
			{From: 200, To: 399, Kind: "乡"},
			{From: 400, To: 599, Kind: "政企合一"},
		},
		// GB 32100-2015 Annex A, with the later additions (A 军队, N 农业) as published.
		USCCAuthorities: map[string]USCCAuthority{
			"1": {Name: "机构编制", Types: map[string]string{"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"}},
			"2": {Name: "外交", Types: map[string]string{"1": "外国常驻新闻机构", "9": "其他"}},
			"3": {Name: "司法行政", Types: map[string]string{"1": "律师执业机构", "2": "公证处", "3": "基层法律服务所", "4": "司法鉴定机构", "5": "仲裁委员会", "9": "其他"}},
			"4": {Name: "文化", Types: map[string]string{"1": "外国在华文化中心", "9": "其他"}},
			"5": {Name: "民政", Types: map[string]string{"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}},
			"6": {Name: "旅游", Types: map[string]string{"1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻内地（大陆）代表机构", "9": "其他"}},
			"7": {Name: "宗教", Types: map[string]string{"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}},
			"8": {Name: "工会", Types: map[string]string{"1": "基层工会", "9": "其他"}},
			"9": {Name: "工商", Types: map[string]string{"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}},
			"A": {Name: "中央军委改革和编制办公室", Types: map[string]string{"1": "军队事业单位", "9": "其他"}},
			"N": {Name: "农业", Types: map[string]string{"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"}},
			"Y": {Name: "其他", Types: map[string]string{"1": "其他"}},
		},
		CompoundSurnames: []string{
			"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯",
			"轩辕", "令狐", "独孤", "南宫", "西门", "端木", "百里", "呼延", "澹台", "公冶", "宗政", "濮阳", "淳于",
			"单于", "太叔", "申屠", "钟离", "闻人", "赫连", "万俟", "司空", "拓跋", "第五", "东郭", "左丘", "谷梁",
		},
	}
}

// townshipKind returns the kind for a 3-digit township number, or "".
func (r *Rules) townshipKind(n int) string {
	for _, k := range r.TownshipKinds {
		if n >= k.From && n <= k.To {
			return k.Kind
		}
	}
	return ""
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// atoiDigits converts an all-digit string (checked by the caller) to int.
func atoiDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
