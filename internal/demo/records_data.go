package demo

// Data for the directory records of the demo (名录): departments, enterprises,
// components. Plausible for a Pearl River Delta town, not official lists.

// deptSpec is one 专业部门 every demo town has. Kind is a directory.DepartmentKinds
// key: ownership rules map a category's default owner type (categories.json
// "owner") to the department of that kind. Parent names a 一级 slug for a 二级
// section. Account: the main town has a login "dept-<slug>" for it.
type deptSpec struct {
	Slug, Name, Kind, Parent string
	Account                  bool
}

var deptSpecs = []deptSpec{
	{Slug: "cg", Name: "城管执法", Kind: "city_management", Account: true},
	{Slug: "scjg", Name: "市场监管", Kind: "market_regulation", Account: true},
	{Slug: "sthj", Name: "生态环境", Kind: "ecology", Account: true},
	{Slug: "zj", Name: "住房建设", Kind: "housing", Account: true},
	{Slug: "yjgl", Name: "应急管理", Kind: "fire", Account: true}, // 消防救援 sits under 应急管理
	{Slug: "sw", Name: "水务", Kind: "water_affairs", Account: true},
	{Slug: "hw", Name: "环卫", Kind: "sanitation", Account: true},
	{Slug: "gd", Name: "供电", Kind: "power", Account: true},
	{Slug: "gs", Name: "供水", Kind: "water"},
	{Slug: "rq", Name: "燃气", Kind: "gas"},
	{Slug: "jt", Name: "交通运输", Kind: "transport"},
	{Slug: "ga", Name: "公安", Kind: "public_security"},
	{Slug: "tx", Name: "通信", Kind: "telecom"},
	{Slug: "shsw", Name: "社会事务", Kind: "civil_affairs"},
	// 二级 sections.
	{Slug: "cg-jm", Name: "街面巡查中队", Kind: "street", Parent: "cg"},
	{Slug: "zj-yl", Name: "园林绿化所", Kind: "landscaping", Parent: "zj"},
	{Slug: "zj-ld", Name: "路灯管理所", Kind: "lighting", Parent: "zj"},
	{Slug: "sw-ps", Name: "排水管理所", Kind: "drainage", Parent: "sw"},
	{Slug: "ga-jj", Name: "交警中队", Kind: "traffic_police", Parent: "ga"},
}

// fallbackDept owns the catch-all rule "*": a category added later, or one
// whose owner type no demo department has, still reaches 城管执法.
const fallbackDept = "cg"

// industry is a GB/T 4754-2017 class with words that fit a company name.
type industry struct {
	Code  string
	Words []string
}

// lighting is 古镇's trade (灯饰之都): lamps, light sources, LEDs, fittings.
var lighting = []industry{
	{"C3872", []string{"灯饰", "照明", "灯具"}}, // 照明灯具制造
	{"C3871", []string{"光源", "电光源"}},      // 电光源制造
	{"C3873", []string{"舞台灯光", "演艺照明"}},   // 舞台及场地用灯制造
	{"C3874", []string{"智能照明", "智慧光电"}},   // 智能照明器具制造
	{"C3879", []string{"灯饰配件", "照明电器"}},   // 灯用电器附件及其他照明器具制造
	{"C3976", []string{"LED光电", "半导体照明"}}, // 光电子器件制造
	{"C3351", []string{"五金", "金属制品"}},     // 建筑、家具用金属配件制造
	{"C2929", []string{"塑胶", "灯罩"}},       // 塑料零件及其他塑料制品制造
	{"C3359", []string{"五金配件"}},           // 其他建筑、安全用金属制品制造
	{"C3914", []string{"电子", "智能控制"}},     // 工业控制计算机及系统制造
}

// otherTrade gives towns outside 古镇 a few classes by their 特色产业.
var otherTrade = map[string][]industry{
	"五金":   {{"C3351", []string{"五金", "锁具"}}, {"C3359", []string{"五金制品"}}},
	"小家电":  {{"C3854", []string{"电器", "厨房电器"}}, {"C3856", []string{"小家电", "电器"}}},
	"家电":   {{"C3851", []string{"电器", "家电"}}, {"C3859", []string{"家用电器"}}},
	"花木":   {{"A0143", []string{"花木", "园艺"}}},
	"休闲服装": {{"C1811", []string{"服饰", "制衣"}}},
	"红木家具": {{"C2110", []string{"红木家具", "家私"}}},
}

// utilities are 公用事业 (status utility): GB/T 4754 divisions D46 水的生产和供应业, D45 燃气生产和供应业.
var utilities = []industry{{"D46", []string{"供水", "污水处理"}}, {"D45", []string{"燃气"}}}

var genericTrade = []industry{
	{"C3351", []string{"五金"}}, {"C2929", []string{"塑料制品"}}, {"C3899", []string{"电器"}}, {"C1811", []string{"服饰"}},
}

var (
	brands   = []string{"星辉", "明轩", "华光", "灯都", "宏达", "金誉", "鸿耀", "欧普", "雷亮", "新辉", "永明", "佳美", "彩虹", "富盈", "嘉耀", "华艺", "伟业", "锦辉", "晶艺", "银河", "聚光", "恒亮", "盛世", "凯明", "天晟", "丰源", "创亿", "宝利", "兴隆", "名将", "粤辉", "翔光", "冠雅", "卓艺", "御品", "尚美"}
	suffixes = []string{"有限公司", "科技有限公司", "制造有限公司", "实业有限公司"}
	roads    = []string{"中兴大道", "东兴路", "同益路", "曹兴路", "海洲东岸北路", "古镇大道", "冈东路", "六坊大道", "兴业路", "工业大道"}
	// 古镇's industrial parks; other towns get "<name>工业园".
	guzhenParks = []string{"古镇灯饰产业园", "曹三工业区", "海洲工业区", "冈东工业区", "古镇LED产业基地", "七坊工业区"}
	// The first enterprises of the main town carry the demo enterprise accounts.
	companies = []string{"星辉灯饰有限公司", "明轩照明科技有限公司", "华光灯具制造有限公司", "灯都电子商务有限公司"}
	// Tags for residents recorded with consent.
	residentTags = [][]string{{"新市民"}, {"独居老人"}, {"退役军人"}, {"低保户"}, {}, {}, {"残疾人"}, {"志愿者"}}
)

// componentWeight says how common each 部件 小类 is in a grid; a 小类 not
// listed here gets weight 1.
var componentWeight = map[string]int{
	"C0101": 4, "C0102": 5, "C0103": 5, "C0104": 6, "C0105": 2, "C0106": 2, "C0107": 3, "C0108": 2, "C0109": 4, "C0110": 2,
	"C0201": 8, "C0202": 2, "C0203": 2, "C0204": 2, "C0205": 3,
	"C0301": 8, "C0302": 2, "C0303": 1, "C0304": 4,
	"C0401": 8, "C0402": 3, "C0403": 2,
	"C0601": 2, "C0602": 3, "C0701": 2,
}
